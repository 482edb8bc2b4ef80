package io.github.camelalvaria.messaging.simulator;

/** A messaging call whose headers and body passed every check; {@code content} is its text, url or state. */
record MessageRequest(
        Operation operation,
        String interactionId,
        String entityName,
        String entityType,
        String content,
        Integer expiresAfterSeconds,
        String sessionId) {
}
