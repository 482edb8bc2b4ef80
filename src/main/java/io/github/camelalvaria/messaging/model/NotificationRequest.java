package io.github.camelalvaria.messaging.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Body of {@code POST .../messaging/users/{userId}/notification} (NotificationParmsSchema). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NotificationRequest(
        String interactionId, String entityName, String entityType, String state, Integer expiresAfterSeconds)
        implements MessagingRequest {
}
