package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code /simulator/...}: the simulator's own controls, the Java API of {@link AlvariaSimulator} over HTTP.
 * Unauthenticated: the simulator listens on loopback only.
 */
final class AdminEndpoint implements HttpHandler {

    private static final String INTERACTIONS = "/simulator/interactions";
    private static final String SESSIONS = "/simulator/sessions";

    private final AlvariaSimulator simulator;
    private final ObjectMapper mapper;
    private final Replies replies;

    AdminEndpoint(AlvariaSimulator simulator, ObjectMapper mapper, Replies replies) {
        this.simulator = simulator;
        this.mapper = mapper;
        this.replies = replies;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        try {
            if (path.startsWith(INTERACTIONS + "/")) {
                underInteraction(exchange, method, path.substring(INTERACTIONS.length() + 1));
                return;
            }
            if (path.startsWith(SESSIONS + "/")) {
                underSession(exchange, method, path.substring(SESSIONS.length() + 1));
                return;
            }
            switch (path) {
                case INTERACTIONS -> {
                    switch (method) {
                        case "GET" -> replies.json(exchange, 200, simulator.record());
                        case "POST" -> addInteraction(exchange);
                        default -> throw Refusal.methodNotAllowed(method, "GET, POST");
                    }
                }
                case SESSIONS -> {
                    requireMethod(method, "GET");
                    replies.json(exchange, 200, simulator.streamingRecord());
                }
                case "/simulator/record" -> {
                    requireMethod(method, "DELETE");
                    simulator.clearRecord();
                    replies.empty(exchange, 204);
                }
                case "/simulator/faults" -> {
                    switch (method) {
                        case "GET" -> replies.json(exchange, 200, simulator.faults());
                        case "PUT" -> {
                            simulator.setFaults(faultsFrom(exchange.getRequestBody().readAllBytes()));
                            replies.json(exchange, 200, simulator.faults());
                        }
                        default -> throw Refusal.methodNotAllowed(method, "GET, PUT");
                    }
                }
                case "/simulator/rate-limit" -> {
                    switch (method) {
                        case "GET" -> replies.json(exchange, 200, simulator.rateLimit());
                        case "PUT" -> {
                            simulator.setRateLimit(rateLimitFrom(exchange.getRequestBody().readAllBytes()));
                            replies.json(exchange, 200, simulator.rateLimit());
                        }
                        default -> throw Refusal.methodNotAllowed(method, "GET, PUT");
                    }
                }
                case "/simulator/tokens/expire" -> {
                    requireMethod(method, "POST");
                    simulator.expireAllTokens();
                    replies.empty(exchange, 204);
                }
                default -> throw Refusal.noSuchResource();
            }
        } catch (Refusal refusal) {
            replies.refuse(exchange, refusal);
        }
    }

    /** {@code {id}}, {@code {id}/customer-messages} or {@code {id}/customer-typing}. */
    private void underInteraction(HttpExchange exchange, String method, String rest) throws IOException {
        int slash = rest.indexOf('/');
        if (slash < 0) {
            oneInteraction(exchange, method, rest);
            return;
        }
        String interactionId = rest.substring(0, slash);
        switch (rest.substring(slash + 1)) {
            case "customer-messages" -> {
                requireMethod(method, "POST");
                String text = requiredText(readObject(exchange.getRequestBody().readAllBytes()), "text");
                replies.json(exchange, 202,
                        customerEvent(interactionId, () -> simulator.injectCustomerMessage(interactionId, text)));
            }
            case "customer-typing" -> {
                requireMethod(method, "POST");
                replies.json(exchange, 202,
                        customerEvent(interactionId, () -> simulator.injectCustomerTyping(interactionId)));
            }
            default -> throw Refusal.noSuchResource();
        }
    }

    /** The event queued; 404 for an unknown interaction, 410 for an ended one. */
    private static StreamingEvent customerEvent(String interactionId, Supplier<StreamingEvent> injection) {
        try {
            return injection.get();
        } catch (IllegalStateException ended) {
            throw Refusal.of(410, "path", "gone", "interactionId " + interactionId + " has ended");
        } catch (IllegalArgumentException unknown) {
            throw unknownInteraction(interactionId);
        }
    }

    /** {@code {id}}, {@code {id}/drop} or {@code {id}/raw-events}: 404 when the id is no live session. */
    private void underSession(HttpExchange exchange, String method, String rest) throws IOException {
        int slash = rest.indexOf('/');
        String sessionId = slash < 0 ? rest : rest.substring(0, slash);
        switch (slash < 0 ? "" : rest.substring(slash + 1)) {
            case "" -> {
                requireMethod(method, "GET");
                replies.json(exchange, 200, simulator.session(sessionId).orElseThrow(AdminEndpoint::unknownSession));
            }
            case "drop" -> {
                requireMethod(method, "POST");
                if (!simulator.dropSession(sessionId)) {
                    throw unknownSession();
                }
                replies.empty(exchange, 204);
            }
            case "raw-events" -> {
                requireMethod(method, "POST");
                String json = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                boolean queued;
                try {
                    queued = simulator.injectRawEvent(sessionId, json);
                } catch (IllegalArgumentException notJson) {
                    throw Refusal.of(400, "body", "malformed", "request body must be one JSON value");
                }
                if (!queued) {
                    throw unknownSession();
                }
                replies.empty(exchange, 202);
            }
            default -> throw Refusal.noSuchResource();
        }
    }

    private void oneInteraction(HttpExchange exchange, String method, String interactionId) throws IOException {
        switch (method) {
            case "GET" -> replies.json(exchange, 200, simulator.interaction(interactionId)
                    .orElseThrow(() -> unknownInteraction(interactionId)));
            case "DELETE" -> {
                if (!simulator.endInteraction(interactionId)) {
                    throw unknownInteraction(interactionId);
                }
                replies.empty(exchange, 204);
            }
            default -> throw Refusal.methodNotAllowed(method, "GET, DELETE");
        }
    }

    /** Body {@code {"interactionId":"...","userId":"..."}}: 201 with the new interaction, 409 if the id is taken. */
    private void addInteraction(HttpExchange exchange) throws IOException {
        JsonNode json = readObject(exchange.getRequestBody().readAllBytes());
        String interactionId = requiredText(json, "interactionId");
        String userId = requiredText(json, "userId");
        if (!simulator.addInteraction(interactionId, userId)) {
            throw Refusal.of(409, "body", "conflict", "interactionId " + interactionId + " already exists");
        }
        replies.json(exchange, 201, simulator.interaction(interactionId).orElseThrow());
    }

    /**
     * The new faults: the fields given over {@link Faults#NONE}, so a PUT names only the faults it wants.
     * An unknown field or a wrong type is 400, a value out of range 422.
     */
    private Faults faultsFrom(byte[] body) {
        ObjectNode faults = mapper.valueToTree(Faults.NONE);
        faults.setAll((ObjectNode) readObject(body));
        try {
            return strictReader(Faults.class).readValue(faults);
        } catch (ValueInstantiationException outOfRange) {
            String reason = outOfRange.getCause() == null ? "invalid faults" : outOfRange.getCause().getMessage();
            throw Refusal.of(422, "body", "range", reason);
        } catch (UnrecognizedPropertyException unknown) {
            throw Refusal.of(400, "body", "unknown", unknown.getPropertyName() + " is not a fault setting");
        } catch (JsonProcessingException wrongType) {
            throw Refusal.of(400, "body", "type", "faults do not match their types: " + wrongType.getOriginalMessage());
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    /**
     * The new limit, {@code {"requestsPerSecond":500,"burst":100}}; {@code requestsPerSecond} 0 switches it off. An
     * unknown field or a wrong type is 400, a value out of range 422.
     */
    private RateLimit rateLimitFrom(byte[] body) {
        ObjectNode limit = mapper.valueToTree(RateLimit.OFF);
        limit.setAll((ObjectNode) readObject(body));
        try {
            return strictReader(RateLimit.class).readValue(limit);
        } catch (ValueInstantiationException outOfRange) {
            String reason = outOfRange.getCause() == null ? "invalid rate limit" : outOfRange.getCause().getMessage();
            throw Refusal.of(422, "body", "range", reason);
        } catch (UnrecognizedPropertyException unknown) {
            throw Refusal.of(400, "body", "unknown", unknown.getPropertyName() + " is not a rate limit setting");
        } catch (JsonProcessingException wrongType) {
            throw Refusal.of(400, "body", "type", "the rate limit does not match its types: "
                    + wrongType.getOriginalMessage());
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    private JsonNode readObject(byte[] body) {
        try {
            JsonNode json = mapper.readTree(body);
            if (json != null && json.isObject()) {
                return json;
            }
        } catch (IOException malformed) {
            // answered below like any body that is not an object
        }
        throw Refusal.of(400, "body", "malformed", "request body must be a JSON object");
    }

    private static String requiredText(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            throw Refusal.of(400, "body", "missing", field + " is required, a non-blank string");
        }
        return value.textValue();
    }

    /** Made for each request rather than at the start: the simulator's start is the app's, and few PUTs come. */
    private ObjectReader strictReader(Class<?> type) {
        return mapper.readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                                           DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    private static void requireMethod(String method, String allowed) {
        if (!allowed.equals(method)) {
            throw Refusal.methodNotAllowed(method, allowed);
        }
    }

    private static Refusal unknownSession() {
        return Refusal.notFound("path", "no live streaming session by that id");
    }

    private static Refusal unknownInteraction(String interactionId) {
        return Refusal.notFound("path", "interactionId " + interactionId + " not found");
    }
}
