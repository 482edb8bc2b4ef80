package io.github.camelalvaria.messaging.simulator;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the simulator has seen since start or since the record was last cleared.
 *
 * @param interactions       every known interaction, by interactionId, with its accepted messages
 * @param refused            messaging calls answered with an error status, counted by that status
 * @param droppedConnections messaging calls whose connection was closed without an answer (after accept or not)
 * @param droppedAfterAccept those of them whose message had been recorded as accepted: the ambiguous failures, after
 *                           which a client that sends again delivers the message twice
 * @param tokensIssued       access tokens the token endpoint issued
 * @param deadTokensRefused  platform calls, messaging and streaming, answered 401 for an unknown or expired token
 * @param streaming          the live streaming sessions and the session counts
 */
public record SimulatorRecord(
        List<InteractionRecord> interactions,
        SortedMap<Integer, Long> refused,
        long droppedConnections,
        long droppedAfterAccept,
        long tokensIssued,
        long deadTokensRefused,
        StreamingRecord streaming) {

    public SimulatorRecord {
        interactions = List.copyOf(interactions);
        refused = Collections.unmodifiableSortedMap(new TreeMap<>(refused));
    }

    /** Messaging calls answered {@code status}. */
    public long refused(int status) {
        return refused.getOrDefault(status, 0L);
    }

    public long acceptedCount() {
        return interactions.stream().mapToLong(interaction -> interaction.accepted().size()).sum();
    }
}
