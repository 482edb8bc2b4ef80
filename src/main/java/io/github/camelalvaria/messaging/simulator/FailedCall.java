package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.time.Instant;

/**
 * A messaging call on a known interaction that was not accepted: answered with an error status, or its connection
 * dropped. Kept so that the conversation shows what a client tried and how it ended. Of {@code text}, {@code url} and
 * {@code state} only the one the operation carries is set, when its body could be read that far.
 *
 * @param sequence   the order in the record, shared with accepted messages and customer messages
 * @param operation  {@code sendText}, {@code sendUrl} or {@code notification}
 * @param userId     the userId of the call's path
 * @param entityName who posted, when the body says
 * @param status     the error status answered, null when the connection was dropped without an answer
 * @param reason     why, as the error body's message says it (never a header value)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FailedCall(
        long sequence,
        String operation,
        String interactionId,
        String userId,
        String entityName,
        Integer status,
        String reason,
        String text,
        String url,
        String state,
        @JsonSerialize(using = ToStringSerializer.class) Instant receivedAt) {
}
