package io.github.camelalvaria.messaging.simulator;

/** The three messaging calls, by the last segment of their path, with the body field each one carries. */
enum Operation {
    SEND_TEXT("sendText", "text"),
    SEND_URL("sendUrl", "url"),
    NOTIFICATION("notification", "state");

    final String pathSegment;
    final String contentField;

    Operation(String pathSegment, String contentField) {
        this.pathSegment = pathSegment;
        this.contentField = contentField;
    }

    /** The operation a path ends with, or null. */
    static Operation ofPathSegment(String segment) {
        for (Operation operation : values()) {
            if (operation.pathSegment.equals(segment)) {
                return operation;
            }
        }
        return null;
    }
}
