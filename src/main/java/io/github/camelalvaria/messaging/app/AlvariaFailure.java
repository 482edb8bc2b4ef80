package io.github.camelalvaria.messaging.app;

import java.time.Instant;
import java.util.List;

import io.github.camelalvaria.messaging.AlvariaMessagingException;
import io.github.camelalvaria.messaging.AlvariaRetryableException;
import io.github.camelalvaria.messaging.AlvariaValidationException;
import io.github.camelalvaria.messaging.model.ErrorDetail;

/**
 * Why a message was dead-lettered: what the dead-letter headers and a file bridge's {@code .error.json} say.
 *
 * @param status   the HTTP status, 0 when no answer was received or nothing was sent
 * @param message  the failure's message (the API's own message included)
 * @param reason   {@code validation}, {@code rejected}, {@code retries-exhausted} or {@code error}
 * @param attempts how many times the message was sent
 * @param failedAt when it was given up, ISO-8601
 */
public record AlvariaFailure(
        int status, String message, String reason, String operation, String field, List<ErrorDetail> errors,
        int attempts, String failedAt) {

    static AlvariaFailure of(Throwable failure, int attempts) {
        if (failure instanceof AlvariaValidationException invalid) {
            return new AlvariaFailure(0, invalid.getMessage(), "validation", invalid.getOperation(), invalid.getField(),
                                      List.of(), attempts, Instant.now().toString());
        }
        if (failure instanceof AlvariaMessagingException api) {
            return new AlvariaFailure(api.getStatusCode(), api.getMessage(),
                                      api instanceof AlvariaRetryableException ? "retries-exhausted" : "rejected",
                                      api.getOperation(), null,
                                      api.getErrorResponse().map(error -> error.errors()).orElse(List.of()),
                                      attempts, Instant.now().toString());
        }
        String message = failure == null ? "unknown failure" : failure.getClass().getSimpleName() + ": "
                                                                 + failure.getMessage();
        return new AlvariaFailure(0, message, "error", null, null, List.of(), attempts, Instant.now().toString());
    }
}
