package io.github.camelalvaria.messaging;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The three messaging calls; the name is both the URI path of the endpoint and the last segment of the API path. */
public enum AlvariaOperation {
    sendText,
    sendUrl,
    notification;

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
