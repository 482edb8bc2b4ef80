package io.github.camelalvaria.messaging.model;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The API's error body (ErrorResponse): every field is optional. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ErrorResponse(Integer code, String message, List<ErrorDetail> errors) {

    public ErrorResponse {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }
}
