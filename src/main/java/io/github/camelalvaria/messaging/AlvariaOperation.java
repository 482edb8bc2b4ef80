package io.github.camelalvaria.messaging;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What an endpoint does: the three messaging calls (the name is also the last segment of the API path) and
 * {@code events}, the consumer of the managed streaming session's events.
 */
public enum AlvariaOperation {
    sendText,
    sendUrl,
    notification,
    events;

    /** Whether this is a call a producer makes, as opposed to the events consumer. */
    public boolean sends() {
        return this != events;
    }

    /** The operation with exactly this name; the message lists the valid ones. */
    public static AlvariaOperation of(String name) {
        for (AlvariaOperation operation : values()) {
            if (operation.name().equals(name)) {
                return operation;
            }
        }
        throw new IllegalArgumentException(
                "Unknown operation '" + name + "', expected one of " + Arrays.stream(values())
                        .map(Enum::name).collect(Collectors.joining(", ")));
    }
}
