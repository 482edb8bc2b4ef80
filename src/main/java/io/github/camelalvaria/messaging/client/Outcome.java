package io.github.camelalvaria.messaging.client;

import java.time.Instant;

import io.github.camelalvaria.messaging.AlvariaMessagingException;

/**
 * How the last attempt to obtain something every call needs (an access token, the managed streaming session) ended.
 * The failure text is the exception's message, which names status, operation and URL but never a secret.
 *
 * @param status the HTTP status of a failure; 0 on success or when nothing was answered
 * @param failure {@code null} on success
 */
public record Outcome(Instant at, int status, String failure) {

    static Outcome success() {
        return new Outcome(Instant.now(), 0, null);
    }

    static Outcome failure(Throwable failure) {
        Throwable cause = AsyncHttp.unwrap(failure);
        int status = cause instanceof AlvariaMessagingException answer ? answer.getStatusCode() : 0;
        String text = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return new Outcome(Instant.now(), status, text);
    }

    public boolean succeeded() {
        return failure == null;
    }
}
