package io.github.camelalvaria.messaging;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelalvaria.messaging.client.MessagingCall;
import io.github.camelalvaria.messaging.model.MessagingRequest;
import io.github.camelalvaria.messaging.model.NotificationRequest;
import io.github.camelalvaria.messaging.model.SendTextRequest;
import io.github.camelalvaria.messaging.model.SendUrlRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Builds the call for one exchange and rejects bad input before anything is sent. Each API field is taken from the body
 * (a {@code Map} or a {@link MessagingRequest} record), else the header, else the endpoint option (which the component
 * option fills).
 */
final class MessagingCallFactory {

    static final Set<String> ENTITY_TYPES = Set.of("Agent", "Monitor", "System");
    static final Set<String> STATES = Set.of("composing");
    static final int MAX_EXPIRES_AFTER_SECONDS = 30;

    private final AlvariaOperation endpointOperation;
    private final AlvariaMessagingConfiguration options;
    private final ObjectMapper mapper;

    MessagingCallFactory(AlvariaOperation endpointOperation, AlvariaMessagingConfiguration options, ObjectMapper mapper) {
        this.endpointOperation = endpointOperation;
        this.options = options;
        this.mapper = mapper;
    }

    MessagingCall create(Exchange exchange) throws AlvariaValidationException {
        Message message = exchange.getMessage();
        AlvariaOperation operation = operation(message);
        Object body = message.getBody();
        Map<?, ?> fields = body instanceof Map<?, ?> map ? map
                : body instanceof MessagingRequest request ? mapper.convertValue(request, Map.class) : Map.of();
        Input input = new Input(operation.name(), message, fields);

        String userId = input.required("userId", null, AlvariaMessagingConstants.USER_ID, options.getUserId());
        // no session id at all: the call uses the session the component manages
        Object sessionHeader = message.getHeader(AlvariaMessagingConstants.SESSION_ID);
        String sessionId = sessionHeader != null
                ? input.headerSafe("sessionId", input.required("sessionId", null, AlvariaMessagingConstants.SESSION_ID,
                                                               null))
                : options.getSessionId();
        String interactionId = input.required("interactionId", "interactionId",
                                              AlvariaMessagingConstants.INTERACTION_ID, options.getInteractionId());
        String entityName = input.required("entityName", "entityName", AlvariaMessagingConstants.ENTITY_NAME,
                                           options.getEntityName());
        String entityType = input.oneOf("entityType", ENTITY_TYPES, input.required(
                "entityType", "entityType", AlvariaMessagingConstants.ENTITY_TYPE, options.getEntityType()));

        boolean structured = body instanceof Map || body instanceof MessagingRequest;
        MessagingRequest request = switch (operation) {
            case sendText -> new SendTextRequest(interactionId, entityName, entityType,
                                                 structured ? input.required("text", "text", null, null)
                                                         : input.nonBlank("text", text(exchange, body, input, "text")));
            case sendUrl -> new SendUrlRequest(interactionId, entityName, entityType,
                                               input.httpUrl("url", structured ? input.required("url", "url", null, null)
                                                       : text(exchange, body, input, "url")));
            case notification -> new NotificationRequest(interactionId, entityName, entityType,
                    input.oneOf("state", STATES, input.required("state", "state", AlvariaMessagingConstants.STATE,
                                                                options.getState())),
                    input.expiresAfterSeconds(options.getExpiresAfterSeconds()));
            case events -> throw new IllegalStateException("operation() never answers events");
        };
        return new MessagingCall(operation, userId, sessionId, request);
    }

    private AlvariaOperation operation(Message message) throws AlvariaValidationException {
        Object header = message.getHeader(AlvariaMessagingConstants.OPERATION);
        if (header == null) {
            return endpointOperation;
        }
        AlvariaOperation operation;
        try {
            operation = header instanceof AlvariaOperation given ? given : AlvariaOperation.of(header.toString());
        } catch (IllegalArgumentException e) {
            throw new AlvariaValidationException(endpointOperation.name(), AlvariaMessagingConstants.OPERATION,
                                                 e.getMessage());
        }
        if (!operation.sends()) {
            throw new AlvariaValidationException(endpointOperation.name(), AlvariaMessagingConstants.OPERATION,
                                                 "events is what alvaria-messaging:events consumes; it cannot be sent");
        }
        return operation;
    }

    /** The position of the first character that cannot be part of an HTTP header value, or -1. */
    static int controlCharacterAt(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A body that is not a Map or a model record, as the text to send: text itself (a URI or URL for sendUrl), bytes
     * or a stream as UTF-8, or whatever a type converter the user registered for the body's type makes of it. Anything
     * else is refused rather than sent as its {@code toString()} (a record's "Order[id=o-1]" in a customer's chat).
     */
    private static String text(Exchange exchange, Object body, Input input, String field) throws AlvariaValidationException {
        if (body == null) {
            return null;
        }
        if (body instanceof CharSequence || body instanceof URI || body instanceof URL) {
            return body.toString();
        }
        if (body instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (body instanceof InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException unreadable) {
                throw input.invalid(field, "the message body could not be read: " + unreadable.getMessage());
            }
        }
        if (exchange.getContext().getTypeConverterRegistry().lookup(String.class, body.getClass()) != null) {
            return exchange.getContext().getTypeConverter().convertTo(String.class, exchange, body);
        }
        throw input.invalid(field, "the message body is a " + body.getClass().getName() + ", which is not text: send a String, byte[],"
                + " InputStream, Map or MessagingRequest, or register a type converter from it to String");
    }

    /** The three places a value can come from, and the rules every value obeys. */
    private record Input(String operation, Message message, Map<?, ?> fields) {

        String required(String field, String bodyField, String header, Object option) throws AlvariaValidationException {
            Object value = bodyField == null ? null : fields.get(bodyField);
            // where the value came from, joined into words only for an error: this runs for every field of every message
            String sourceKind = "body field ";
            String sourceName = bodyField;
            if (value == null && header != null) {
                value = message.getHeader(header);
                sourceKind = "header ";
                sourceName = header;
            }
            if (value == null) {
                value = option;
                sourceKind = "option ";
                sourceName = field;
            }
            if (value == null) {
                throw invalid(field, "missing: set " + sources(field, bodyField, header));
            }
            if (!(value instanceof CharSequence || value instanceof Number)) {
                throw invalid(field, "must be a string, but " + sourceKind + sourceName + " is a "
                                     + value.getClass().getSimpleName());
            }
            return nonBlank(field, value.toString());
        }

        String nonBlank(String field, String value) throws AlvariaValidationException {
            if (value == null) {
                throw invalid(field, "missing: the message body is empty");
            }
            if (value.isBlank()) {
                throw invalid(field, "must not be blank");
            }
            return value;
        }

        String oneOf(String field, Set<String> allowed, String value) throws AlvariaValidationException {
            if (!allowed.contains(value)) {
                throw invalid(field, "'" + value + "' is not one of " + String.join(", ", allowed.stream().sorted().toList())
                                     + " (case matters)");
            }
            return value;
        }

        String headerSafe(String field, String value) throws AlvariaValidationException {
            int at = controlCharacterAt(value);
            if (at >= 0) {
                throw invalid(field, "contains a control character (CR, LF, NUL ...) at position " + at
                                     + ", which cannot travel in an HTTP header");
            }
            return value;
        }

        String httpUrl(String field, String value) throws AlvariaValidationException {
            nonBlank(field, value);
            try {
                URI uri = new URI(value.strip());
                if (!uri.isAbsolute() || uri.getHost() == null
                    || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                    throw invalid(field, "'" + value + "' is not an absolute http(s) URL");
                }
            } catch (URISyntaxException e) {
                throw invalid(field, "'" + value + "' is not a URL: " + e.getReason());
            }
            return value.strip();
        }

        Integer expiresAfterSeconds(Integer option) throws AlvariaValidationException {
            String field = "expiresAfterSeconds";
            Object value = fields.get(field);
            if (value == null) {
                value = message.getHeader(AlvariaMessagingConstants.EXPIRES_AFTER_SECONDS);
            }
            if (value == null) {
                value = option;
            }
            if (value == null) {
                return null;
            }
            int seconds;
            if (value instanceof Number number && number.doubleValue() == number.longValue()
                && Math.abs(number.longValue()) <= Integer.MAX_VALUE) {
                seconds = number.intValue();
            } else {
                try {
                    seconds = Integer.parseInt(value.toString().strip());
                } catch (NumberFormatException e) {
                    throw invalid(field, "'" + value + "' is not a whole number of seconds");
                }
            }
            if (seconds < 1 || seconds > MAX_EXPIRES_AFTER_SECONDS) {
                throw invalid(field, seconds + " is outside 1.." + MAX_EXPIRES_AFTER_SECONDS);
            }
            return seconds;
        }

        AlvariaValidationException invalid(String field, String problem) {
            return new AlvariaValidationException(operation, field, problem);
        }

        private static String sources(String field, String bodyField, String header) {
            StringBuilder where = new StringBuilder();
            if (bodyField != null) {
                where.append("the body field ").append(bodyField).append(", ");
            }
            if (header != null) {
                where.append("the ").append(header).append(" header or the ").append(field).append(" option");
            } else {
                where.append("a message body");
            }
            return where.toString();
        }
    }
}
