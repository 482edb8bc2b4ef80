package io.github.camelalvaria.messaging.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One entry of {@link ErrorResponse#errors()} (the reference's Error schema). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ErrorDetail(String scope, String reason, String message) {
}
