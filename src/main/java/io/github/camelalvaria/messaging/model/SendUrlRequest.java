package io.github.camelalvaria.messaging.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Body of {@code POST .../messaging/users/{userId}/sendUrl} (SendUrlParmsSchema). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SendUrlRequest(String interactionId, String entityName, String entityType, String url)
        implements MessagingRequest {
}
