package io.github.camelalvaria.messaging.simulator;

import java.util.List;

/**
 * An interaction and its conversation, each list in the order it was recorded; {@code sequence} orders the three
 * lists together.
 *
 * @param ended            true once the interaction was ended: further sends to it are answered 410
 * @param accepted         the messaging calls answered 202
 * @param failed           the messaging calls naming this interaction that were refused or whose connection dropped
 * @param customerMessages what the customer wrote
 */
public record InteractionRecord(String interactionId, String userId, boolean ended, List<AcceptedMessage> accepted,
        List<FailedCall> failed, List<CustomerMessage> customerMessages) {

    public InteractionRecord {
        accepted = List.copyOf(accepted);
        failed = List.copyOf(failed);
        customerMessages = List.copyOf(customerMessages);
    }
}
