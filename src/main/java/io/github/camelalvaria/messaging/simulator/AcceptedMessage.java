package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.time.Instant;

/**
 * A messaging call the simulator answered 202. Of {@code text}, {@code url} and {@code state} only the one the
 * operation carries is set; {@code expiresAfterSeconds} only on a notification that gave it.
 *
 * @param sequence  the order in the record across all interactions, from 1, shared with failed calls and customer
 *                  messages (restarts when the record is cleared)
 * @param operation {@code sendText}, {@code sendUrl} or {@code notification}
 * @param sessionId the {@code via-client-sessionid} header of the call
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AcceptedMessage(
        long sequence,
        String operation,
        String interactionId,
        String userId,
        String entityName,
        String entityType,
        String text,
        String url,
        String state,
        Integer expiresAfterSeconds,
        String sessionId,
        @JsonSerialize(using = ToStringSerializer.class) Instant receivedAt) {
}
