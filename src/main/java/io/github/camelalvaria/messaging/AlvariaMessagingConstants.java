package io.github.camelalvaria.messaging;

import org.apache.camel.Exchange;
import org.apache.camel.spi.Metadata;

/** Message headers of the {@code alvaria-messaging} component. Each overrides the endpoint option of the same meaning. */
public final class AlvariaMessagingConstants {

    @Metadata(description = "The operation to invoke, overriding the endpoint's: sendText, sendUrl or notification.",
              javaType = "String", enums = "sendText,sendUrl,notification")
    public static final String OPERATION = "CamelAlvariaOperation";

    @Metadata(description = "The Alvaria user (from the provisioning API) on whose behalf the message is posted; on"
                            + " an event, the user it concerns.",
              javaType = "String")
    public static final String USER_ID = "CamelAlvariaUserId";

    @Metadata(description = "The interaction (chat or SMS conversation) the message is posted into; on an event,"
                            + " the interaction it happened in.",
              javaType = "String")
    public static final String INTERACTION_ID = "CamelAlvariaInteractionId";

    @Metadata(description = "The name of the entity posting the message, e.g. the agent's name.", javaType = "String")
    public static final String ENTITY_NAME = "CamelAlvariaEntityName";

    @Metadata(description = "The type of the entity posting the message.", javaType = "String",
              enums = "Agent,Monitor,System")
    public static final String ENTITY_TYPE = "CamelAlvariaEntityType";

    @Metadata(description = "The streaming session id, sent as the via-client-sessionid HTTP header.",
              javaType = "String")
    public static final String SESSION_ID = "CamelAlvariaSessionId";

    @Metadata(description = "The state a notification announces.", javaType = "String", enums = "composing")
    public static final String STATE = "CamelAlvariaState";

    @Metadata(description = "How many seconds (1 to 30) a notification stays active.", javaType = "Integer")
    public static final String EXPIRES_AFTER_SECONDS = "CamelAlvariaExpiresAfterSeconds";

    @Metadata(label = "consumer", description = "The id of the streaming event (alvaria-messaging:events).",
              javaType = "String")
    public static final String EVENT_ID = "CamelAlvariaEventId";

    @Metadata(label = "consumer", description = "The category of the streaming event, e.g. interaction.",
              javaType = "String")
    public static final String EVENT_CATEGORY = "CamelAlvariaEventCategory";

    @Metadata(label = "consumer",
              description = "The type of the streaming event, e.g. customerMessage, composing, interactionEnded.",
              javaType = "String")
    public static final String EVENT_TYPE = "CamelAlvariaEventType";

    @Metadata(label = "producer", description = "The HTTP status code the API answered with (set after the call).",
              javaType = "int")
    public static final String HTTP_RESPONSE_CODE = Exchange.HTTP_RESPONSE_CODE;

    @Metadata(label = "producer",
              description = "Set on a failure whose response carried Retry-After: the delay in milliseconds (capped at"
                            + " maxRetryAfter) that Camel's redelivery then waits before the next attempt.",
              javaType = "long")
    public static final String REDELIVERY_DELAY = Exchange.REDELIVERY_DELAY;

    /**
     * Exchange property (not a header): the attempt of the last send, Camel's redeliveries of that step plus one (an
     * earlier, successful send of the same exchange to another endpoint does not count). A property, so it survives
     * an error handler's {@code useOriginalMessage}.
     */
    public static final String ATTEMPTS_PROPERTY = "CamelAlvariaAttempts";

    private AlvariaMessagingConstants() {
    }
}
