package io.github.camelalvaria.messaging.model;

/**
 * A request body of one of the three messaging calls. A route may send one of these records as the message body;
 * fields left {@code null} are filled from headers and endpoint options.
 */
public sealed interface MessagingRequest permits SendTextRequest, SendUrlRequest, NotificationRequest {

    String interactionId();

    String entityName();

    String entityType();
}
