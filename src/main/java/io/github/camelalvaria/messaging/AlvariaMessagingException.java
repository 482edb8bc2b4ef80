package io.github.camelalvaria.messaging;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.github.camelalvaria.messaging.model.ErrorResponse;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * A messaging call that failed. It is an {@link HttpOperationFailedException}, so routes that already handle camel-http
 * failures catch it too; routes that care pick {@link AlvariaRetryableException} or {@link AlvariaPermanentException}.
 * <p>
 * The status code is {@code 0} where no HTTP answer was received (connection failures, timeouts, invalid input).
 */
public class AlvariaMessagingException extends HttpOperationFailedException {

    private static final long serialVersionUID = 1L;

    private final String message;
    private final String operation;
    private final transient ErrorResponse errorResponse;
    private final Duration retryAfter;

    protected AlvariaMessagingException(
            String message, String operation, String uri, int statusCode, String statusText,
            Map<String, String> responseHeaders, String responseBody, ErrorResponse errorResponse,
            Duration retryAfter, Throwable cause) {
        super(uri, statusCode, statusText, null, responseHeaders, responseBody);
        this.message = message;
        this.operation = operation;
        this.errorResponse = errorResponse;
        this.retryAfter = retryAfter;
        if (cause != null) {
            initCause(cause);
        }
    }

    @Override
    public String getMessage() {
        return message;
    }

    /** The operation that failed: {@code sendText}, {@code sendUrl} or {@code notification} (or the token request). */
    public String getOperation() {
        return operation;
    }

    /** The API's parsed {@code ErrorResponse}, when the server answered with one. */
    public Optional<ErrorResponse> getErrorResponse() {
        return Optional.ofNullable(errorResponse);
    }

    /** How long the server asked the client to wait ({@code Retry-After}), when it said so. */
    public Optional<Duration> getRetryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
