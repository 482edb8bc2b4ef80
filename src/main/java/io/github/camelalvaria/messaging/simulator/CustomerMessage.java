package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.time.Instant;

/**
 * What the customer wrote on an interaction, as injected; the same text went out as a {@code customerMessage} event.
 *
 * @param sequence the order in the record, shared with accepted messages and failed calls
 * @param eventId  the id of the event that carried it
 */
public record CustomerMessage(
        long sequence,
        String interactionId,
        String text,
        String eventId,
        @JsonSerialize(using = ToStringSerializer.class) Instant sentAt) {
}
