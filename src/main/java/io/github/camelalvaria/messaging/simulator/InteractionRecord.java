package io.github.camelalvaria.messaging.simulator;

import java.util.List;

/**
 * An interaction and the messages accepted on it, in order of acceptance.
 *
 * @param ended true once the interaction was ended: further sends to it are answered 410
 */
public record InteractionRecord(String interactionId, String userId, boolean ended, List<AcceptedMessage> accepted) {

    public InteractionRecord {
        accepted = List.copyOf(accepted);
    }
}
