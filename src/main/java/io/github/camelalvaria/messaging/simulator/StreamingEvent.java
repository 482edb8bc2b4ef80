package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.time.Instant;

/**
 * One event of a streaming session, as {@code GET .../streaming/events} delivers it inside {@code "events"}:
 * <pre>{@code
 * {"eventId":"evt-7","category":"interaction","type":"customerMessage","interactionId":"4321",
 *  "userId":"agent-1","text":"Hello?","timestamp":"2025-05-01T10:15:30.123Z"}
 * }</pre>
 * Fields without a value are left out: {@code text} is only on a {@code customerMessage}. The real platform's event
 * body was not visible in Alvaria's docs, so a client should read it leniently: ignore unknown fields and skip, without
 * failing, an event it cannot read (the simulator can deliver such events, see
 * {@link AlvariaSimulator#injectRawEvent(String, String)}).
 *
 * @param eventId       unique within a simulator; the same event queued on several sessions has the same id
 * @param category      always {@value #INTERACTION}
 * @param type          {@value #CUSTOMER_MESSAGE}, {@value #COMPOSING} or {@value #INTERACTION_ENDED}
 * @param interactionId the interaction the event is about
 * @param userId        the user (agent) the interaction belongs to
 * @param text          what the customer wrote, on a {@value #CUSTOMER_MESSAGE}; null otherwise
 * @param timestamp     when the event happened, ISO-8601 in UTC
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamingEvent(
        String eventId,
        String category,
        String type,
        String interactionId,
        String userId,
        String text,
        @JsonSerialize(using = ToStringSerializer.class) Instant timestamp) {

    public static final String INTERACTION = "interaction";
    /** The customer sent a text on the interaction. */
    public static final String CUSTOMER_MESSAGE = "customerMessage";
    /** The customer is typing. */
    public static final String COMPOSING = "composing";
    /** The interaction ended: messaging calls on it are answered 410 from now on. */
    public static final String INTERACTION_ENDED = "interactionEnded";
}
