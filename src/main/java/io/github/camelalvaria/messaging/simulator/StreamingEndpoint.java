package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The streaming session calls, under {@code /via/v2/organizations/{orgId}/streaming/} and the same under
 * {@code /via/v3/}: {@code POST | DELETE session}, {@code GET events}, {@code POST events/acknowledge}.
 *
 * <p>Order of checks: path (404) and method (405); the bearer token, which needs scope {@code streamingapi}, and the
 * api key (401, empty body); the organization (404); the {@code via-client-sessionid} header and the body (400, 422);
 * the session (404 {@code sessionNotFound}); a poll already waiting on it (409 {@code concurrentPoll}). Injected
 * faults apply to the messaging calls only.
 */
final class StreamingEndpoint implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AlvariaSimulator.class);
    private static final List<String> VERSION_PREFIXES = List.of("/via/v2/organizations/", "/via/v3/organizations/");

    private enum Resource {
        SESSION("session", "POST", "DELETE"),
        EVENTS("events", "GET"),
        ACKNOWLEDGE("events/acknowledge", "POST");

        final String path;
        final List<String> methods;

        Resource(String path, String... methods) {
            this.path = path;
            this.methods = List.of(methods);
        }
    }

    /** A streaming path taken apart. */
    private record Route(String orgId, Resource resource) {
    }

    /** The create-session answer. */
    record SessionCreated(String sessionId, String creationTime, int inactivityDelay) {
    }

    /** The events answer; an element is a {@link StreamingEvent} or a raw event sent as it is. */
    record Events(List<Object> events) {
    }

    private final SimulatorSettings settings;
    private final TokenEndpoint tokens;
    private final StreamingSessions sessions;
    private final ObjectMapper mapper;
    private final Replies replies;
    private final Executor workers;

    StreamingEndpoint(SimulatorSettings settings, TokenEndpoint tokens, StreamingSessions sessions,
            ObjectMapper mapper, Replies replies, Executor workers) {
        this.settings = settings;
        this.tokens = tokens;
        this.sessions = sessions;
        this.mapper = mapper;
        this.replies = replies;
        this.workers = workers;
    }

    /** True for a path this endpoint serves; any other path under {@code /via/} is the messaging endpoint's. */
    static boolean serves(String path) {
        return routeOf(path) != null;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        try {
            Route route = routeOf(exchange.getRequestURI().getPath());
            if (route == null) {
                throw Refusal.noSuchResource();
            }
            if (!route.resource().methods.contains(method)) {
                throw Refusal.methodNotAllowed(method, String.join(", ", route.resource().methods));
            }
            Headers headers = exchange.getRequestHeaders();
            tokens.authenticate(headers, TokenEndpoint.STREAMING_SCOPE);
            if (!settings.orgId().equals(route.orgId())) {
                throw Refusal.notFound("path", "organization " + route.orgId() + " not found");
            }
            switch (route.resource()) {
                case SESSION -> {
                    if ("POST".equals(method)) {
                        createSession(exchange);
                    } else {
                        sessions.delete(sessionIdOf(headers));
                        replies.empty(exchange, 204);
                    }
                }
                case EVENTS -> poll(exchange, sessionIdOf(headers));
                case ACKNOWLEDGE -> {
                    String sessionId = sessionIdOf(headers);
                    sessions.acknowledge(sessionId, eventIdsOf(exchange.getRequestBody().readAllBytes()));
                    replies.empty(exchange, 204);
                }
            }
        } catch (Refusal refusal) {
            replies.refuse(exchange, refusal);
        } catch (RejectedExecutionException stopping) {
            exchange.close();
        } catch (RuntimeException bug) {
            LOG.warn("streaming call failed inside the simulator", bug);
            replies.refuse(exchange, Refusal.of(500, "request", "internal", "internal server error"));
        }
    }

    /** 201 {@code {"sessionId","creationTime","inactivityDelay"}}. */
    private void createSession(HttpExchange exchange) throws IOException {
        SessionRecord session = sessions.create(optionsOf(exchange.getRequestBody().readAllBytes()));
        replies.json(exchange, 201, new SessionCreated(session.sessionId(), session.createdAt().toString(),
                session.inactivityDelay()));
    }

    /** Answers at once when events are pending, else when one is queued, the wait ends or the session goes. */
    private void poll(HttpExchange exchange, String sessionId) throws IOException {
        List<Object> events = sessions.poll(sessionId, new StreamingSessions.WaitingPoll() {
            @Override
            public void answer(List<Object> queued) {
                later(exchange, () -> replies.json(exchange, 200, new Events(queued)));
            }

            @Override
            public void sessionGone() {
                later(exchange, () -> replies.refuse(exchange, Refusal.sessionNotFound()));
            }
        });
        if (events != null) {
            replies.json(exchange, 200, new Events(events));
        }
    }

    private interface Answer {
        void write() throws IOException;
    }

    /** A waiting poll is answered on a worker, whichever thread queued the event or ended the wait. */
    private void later(HttpExchange exchange, Answer answer) {
        try {
            workers.execute(() -> {
                try {
                    answer.write();
                } catch (IOException clientGone) {
                    LOG.debug("GET /events ended without an answer: {}", clientGone.toString());
                    exchange.close();
                }
            });
        } catch (RejectedExecutionException stopping) {
            exchange.close();
        }
    }

    private static String sessionIdOf(Headers headers) {
        String sessionId = headers.getFirst(MessageValidator.SESSION_HEADER);
        if (sessionId == null || sessionId.isBlank()) {
            throw Refusal.of(400, "header", "missing", MessageValidator.SESSION_HEADER + " header is required");
        }
        return sessionId;
    }

    /**
     * The create-session body, read leniently: empty or {@code {}} takes every default, unknown fields and null values
     * are ignored. 400 for a body that is not a JSON object or a field of the wrong type, 422 for a value below 1.
     */
    private StreamingSessions.Options optionsOf(byte[] body) {
        JsonNode json = objectOrEmpty(body);
        List<ErrorResponse.Detail> unreadable = new ArrayList<>();
        List<ErrorResponse.Detail> unprocessable = new ArrayList<>();
        int inactivityDelay = positiveInt(json, "inactivityDelay", StreamingSessions.Options.DEFAULT_INACTIVITY_DELAY,
                unreadable, unprocessable);
        int maxEvents = positiveInt(json, "maxEvents", StreamingSessions.Options.DEFAULT_MAX_EVENTS, unreadable,
                unprocessable);
        boolean requireAcknowledgement = false;
        JsonNode acknowledgement = json.get("requireAcknowledgement");
        if (acknowledgement != null && !acknowledgement.isNull()) {
            if (acknowledgement.isBoolean()) {
                requireAcknowledgement = acknowledgement.booleanValue();
            } else {
                unreadable.add(new ErrorResponse.Detail("body", "type", "requireAcknowledgement must be a boolean"));
            }
        }
        if (!unreadable.isEmpty()) {
            throw Refusal.of(ErrorResponse.of(400, unreadable));
        }
        if (!unprocessable.isEmpty()) {
            throw Refusal.of(ErrorResponse.of(422, unprocessable));
        }
        return new StreamingSessions.Options(inactivityDelay, maxEvents, requireAcknowledgement);
    }

    private static int positiveInt(JsonNode json, String field, int defaultValue,
            List<ErrorResponse.Detail> unreadable, List<ErrorResponse.Detail> unprocessable) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isIntegralNumber()) {
            unreadable.add(new ErrorResponse.Detail("body", "type", field + " must be an integer"));
        } else if (!value.canConvertToInt() || value.intValue() < 1) {
            unprocessable.add(new ErrorResponse.Detail("body", "range", field + " must be at least 1"));
        } else {
            return value.intValue();
        }
        return defaultValue;
    }

    /** {@code {"eventIds":["..."]}}: 400 for anything else. */
    private List<String> eventIdsOf(byte[] body) {
        JsonNode eventIds = objectOrEmpty(body).get("eventIds");
        if (eventIds == null || !eventIds.isArray()) {
            throw Refusal.of(400, "body", "missing", "eventIds is required, an array of strings");
        }
        List<String> ids = new ArrayList<>(eventIds.size());
        for (JsonNode eventId : eventIds) {
            if (!eventId.isTextual()) {
                throw Refusal.of(400, "body", "type", "eventIds must hold strings only");
            }
            ids.add(eventId.textValue());
        }
        return ids;
    }

    /** The body as a JSON object; an empty body is an empty object. 400 for anything else. */
    private JsonNode objectOrEmpty(byte[] body) {
        try {
            JsonNode json = mapper.readTree(body);
            if (json == null || json.isMissingNode()) {
                return mapper.createObjectNode();
            }
            if (json.isObject()) {
                return json;
            }
        } catch (IOException malformed) {
            // answered below like any body that is not an object
        }
        throw Refusal.of(400, "body", "malformed", "request body must be a JSON object");
    }

    /** {orgId}/streaming/{resource} after a version prefix, or null for any other path. */
    private static Route routeOf(String path) {
        for (String prefix : VERSION_PREFIXES) {
            if (path.startsWith(prefix)) {
                String rest = path.substring(prefix.length());
                int slash = rest.indexOf('/');
                if (slash < 1 || !rest.startsWith("/streaming/", slash)) {
                    return null;
                }
                String resource = rest.substring(slash + "/streaming/".length());
                for (Resource candidate : Resource.values()) {
                    if (candidate.path.equals(resource)) {
                        return new Route(rest.substring(0, slash), candidate);
                    }
                }
                return null;
            }
        }
        return null;
    }
}
