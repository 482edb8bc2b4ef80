package io.github.camelalvaria.messaging;

import java.util.Map;

import io.github.camelalvaria.messaging.model.ErrorResponse;

/**
 * A failure that sending the same request again cannot fix: 400, 401 after one token renewal, 403, 404, 405, 410,
 * 422 and every other status not listed in {@code retryableStatusCodes}. Map it to a dead-letter channel.
 */
public class AlvariaPermanentException extends AlvariaMessagingException {

    private static final long serialVersionUID = 1L;

    public AlvariaPermanentException(
            String message, String operation, String uri, int statusCode, String statusText,
            Map<String, String> responseHeaders, String responseBody, ErrorResponse errorResponse, Throwable cause) {
        super(message, operation, uri, statusCode, statusText, responseHeaders, responseBody, errorResponse, null,
              cause);
    }
}
