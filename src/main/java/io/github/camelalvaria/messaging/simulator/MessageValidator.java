package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks the headers and body of an authenticated messaging call against the reference.
 *
 * <p>400 when the call cannot be read as the schema says: a missing or blank header, a Content-Type other than
 * application/json, a body that is not a JSON object, a required field missing, null or blank, a field of the wrong
 * JSON type. 422 when it reads well but a value is outside what is allowed: an entityType or state not in its enum
 * (case matters), an expiresAfterSeconds outside 1..30. Any 400 problem makes the answer 400, listing every 400
 * problem; otherwise the answer is 422, listing every 422 problem.
 */
final class MessageValidator {

    static final String SESSION_HEADER = "via-client-sessionid";
    private static final Set<String> ENTITY_TYPES = Set.of("Agent", "Monitor", "System");
    private static final String ENTITY_TYPES_TEXT = "Agent, Monitor, System";
    private static final String COMPOSING = "composing";
    private static final int MAX_EXPIRES_AFTER_SECONDS = 30;

    private final ObjectMapper mapper;

    MessageValidator(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    MessageRequest validate(Operation operation, Headers headers, byte[] body) {
        String sessionId = headers.getFirst(SESSION_HEADER);
        List<ErrorResponse.Detail> unreadable = new ArrayList<>();
        if (sessionId == null || sessionId.isBlank()) {
            unreadable.add(new ErrorResponse.Detail("header", "missing", SESSION_HEADER + " header is required"));
        }
        if (!isJson(headers.getFirst("Content-Type"))) {
            unreadable.add(new ErrorResponse.Detail("header", "invalid", "Content-Type must be application/json"));
        }
        JsonNode json = parse(body);
        if (json == null) {
            unreadable.add(new ErrorResponse.Detail("body", "malformed", "request body must be a JSON object"));
            throw Refusal.of(ErrorResponse.of(400, unreadable));
        }
        List<ErrorResponse.Detail> unprocessable = new ArrayList<>();
        String interactionId = requiredText(json, "interactionId", unreadable);
        String entityName = requiredText(json, "entityName", unreadable);
        String entityType = requiredText(json, "entityType", unreadable);
        String content = requiredText(json, operation.contentField, unreadable);
        if (entityType != null && !ENTITY_TYPES.contains(entityType)) {
            unprocessable.add(new ErrorResponse.Detail("body", "enum",
                    "entityType must be one of " + ENTITY_TYPES_TEXT));
        }
        Integer expiresAfterSeconds = null;
        if (operation == Operation.NOTIFICATION) {
            if (content != null && !COMPOSING.equals(content)) {
                unprocessable.add(new ErrorResponse.Detail("body", "enum", "state must be " + COMPOSING));
            }
            expiresAfterSeconds = expiresAfterSeconds(json, unreadable, unprocessable);
        }
        if (!unreadable.isEmpty()) {
            throw Refusal.of(ErrorResponse.of(400, unreadable));
        }
        if (!unprocessable.isEmpty()) {
            throw Refusal.of(ErrorResponse.of(422, unprocessable));
        }
        return new MessageRequest(operation, interactionId, entityName, entityType, content, expiresAfterSeconds,
                sessionId);
    }

    /**
     * What a call that is not accepted was about, as far as its body can be read, for the conversation record:
     * fields that are missing or not text are null.
     */
    Attempt attempted(Operation operation, byte[] body) {
        JsonNode json = parse(body);
        return json == null ? Attempt.UNREADABLE : new Attempt(json.path("interactionId").textValue(),
                json.path("entityName").textValue(), json.path(operation.contentField).textValue());
    }

    /** The interactionId, entityName and text, url or state of a call that may not pass the checks. */
    record Attempt(String interactionId, String entityName, String content) {
        static final Attempt UNREADABLE = new Attempt(null, null, null);
    }

    /** The body as a JSON object, or null when it is not one. */
    private JsonNode parse(byte[] body) {
        try {
            JsonNode json = mapper.readTree(body);
            return json != null && json.isObject() ? json : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String mediaType = parameters < 0 ? contentType : contentType.substring(0, parameters);
        return mediaType.trim().equalsIgnoreCase("application/json");
    }

    /** The field's text, or null after noting why it is unusable. */
    private static String requiredText(JsonNode json, String field, List<ErrorResponse.Detail> unreadable) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            unreadable.add(new ErrorResponse.Detail("body", "missing", field + " is required"));
        } else if (!value.isTextual()) {
            unreadable.add(new ErrorResponse.Detail("body", "type", field + " must be a string"));
        } else if (value.textValue().isBlank()) {
            unreadable.add(new ErrorResponse.Detail("body", "blank", field + " must not be blank"));
        } else {
            return value.textValue();
        }
        return null;
    }

    /** The optional expiresAfterSeconds: the reference gives its maximum, 30; fewer than 1 second means nothing. */
    private static Integer expiresAfterSeconds(JsonNode json, List<ErrorResponse.Detail> unreadable,
            List<ErrorResponse.Detail> unprocessable) {
        JsonNode value = json.get("expiresAfterSeconds");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber()) {
            unreadable.add(new ErrorResponse.Detail("body", "type", "expiresAfterSeconds must be an integer"));
            return null;
        }
        if (!value.canConvertToInt() || value.intValue() < 1 || value.intValue() > MAX_EXPIRES_AFTER_SECONDS) {
            unprocessable.add(new ErrorResponse.Detail("body", "range",
                    "expiresAfterSeconds must be between 1 and " + MAX_EXPIRES_AFTER_SECONDS));
            return null;
        }
        return value.intValue();
    }
}
