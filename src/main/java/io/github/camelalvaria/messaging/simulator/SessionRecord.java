package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.time.Instant;

/**
 * A live streaming session as the simulator sees it.
 *
 * @param sessionId              the value of {@code via-client-sessionid}
 * @param createdAt              the {@code creationTime} of the create-session answer
 * @param inactivityDelay        seconds without a {@code GET /events} after which the session is dropped
 * @param maxEvents              the most events one {@code GET /events} answer holds
 * @param requireAcknowledgement true: delivered events stay pending until acknowledged, and are delivered again
 * @param pendingEvents          events queued and not yet delivered, plus (when acknowledgement is required) those
 *                               delivered and not yet acknowledged
 * @param lastPollAt             when the last {@code GET /events} arrived; null before the first
 * @param polling                true while a {@code GET /events} waits on the session
 * @param eventsDelivered        events handed out in answers, each redelivery counted again
 * @param eventsAcknowledged     pending events removed by an acknowledgement
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionRecord(
        String sessionId,
        @JsonSerialize(using = ToStringSerializer.class) Instant createdAt,
        int inactivityDelay,
        int maxEvents,
        boolean requireAcknowledgement,
        int pendingEvents,
        @JsonSerialize(using = ToStringSerializer.class) Instant lastPollAt,
        boolean polling,
        long eventsDelivered,
        long eventsAcknowledged) {
}
