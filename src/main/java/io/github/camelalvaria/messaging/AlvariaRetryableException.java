package io.github.camelalvaria.messaging;

import java.time.Duration;
import java.util.Map;

import io.github.camelalvaria.messaging.model.ErrorResponse;

/**
 * A failure that may succeed when the same request is sent again later: a status listed in
 * {@code retryableStatusCodes} (429, 5xx ...), a refused or dropped connection, or a timeout. Map it to redelivery.
 */
public class AlvariaRetryableException extends AlvariaMessagingException {

    private static final long serialVersionUID = 1L;

    public AlvariaRetryableException(
            String message, String operation, String uri, int statusCode, String statusText,
            Map<String, String> responseHeaders, String responseBody, ErrorResponse errorResponse,
            Duration retryAfter, Throwable cause) {
        super(message, operation, uri, statusCode, statusText, responseHeaders, responseBody, errorResponse, retryAfter,
              cause);
    }
}
