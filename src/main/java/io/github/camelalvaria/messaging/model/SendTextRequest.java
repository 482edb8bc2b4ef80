package io.github.camelalvaria.messaging.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Body of {@code POST .../messaging/users/{userId}/sendText} (SendTextParmsSchema). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SendTextRequest(String interactionId, String entityName, String entityType, String text)
        implements MessagingRequest {
}
