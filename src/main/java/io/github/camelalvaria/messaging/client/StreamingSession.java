package io.github.camelalvaria.messaging.client;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelalvaria.messaging.AlvariaMessagingException;
import io.github.camelalvaria.messaging.AlvariaRetryableException;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming session the component manages when no session id is configured: created on first need, kept alive by
 * exactly one long poll of its events at a time, created again (once, however many sends find out at the same moment)
 * when the server has dropped it, and deleted when the last endpoint using it stops.
 * <p>
 * The v2 request and event bodies are not in the API reference: the create body carries the configurable fields below,
 * and answers are read leniently (unknown fields ignored; events as a JSON array or as the first array inside an
 * object).
 */
public final class StreamingSession {

    /** How the session is created. */
    public record Settings(int inactivityDelaySeconds, int maxEvents, boolean requireAcknowledgement) {
    }

    static final String OPERATION = "streamingSession";
    private static final Duration MAX_POLL_BACKOFF = Duration.ofSeconds(30);
    /** A server that answers a long poll at once, with nothing, is not polled again sooner than this. */
    private static final long MIN_EMPTY_POLL_INTERVAL_MILLIS = 1000;
    private static final long CREATE_RETRY_SECONDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(StreamingSession.class);

    private final CloseableHttpAsyncClient http;
    private final AccessTokenSource tokens;
    private final String sessionUrl;
    private final String eventsUrl;
    private final String apiKey;
    private final ApiHeaders apiHeaders;
    private final Settings settings;
    private final ObjectMapper mapper;
    private final FailureMapper failures;
    private final ScheduledExecutorService scheduler;
    private final RequestConfig requestConfig;
    private final RequestConfig pollConfig;
    private final List<Consumer<List<JsonNode>>> listeners = new ArrayList<>();

    private final SingleFlight<String> creations = new SingleFlight<>();
    private final AtomicLong creationCount = new AtomicLong();
    private volatile Outcome lastOutcome;

    private String current;
    private boolean polling;
    private boolean stopped;

    /**
     * @param organizationUrl e.g. {@code https://acme.via.aspect-cloud.net/via/v2/organizations/acme}
     */
    public StreamingSession(
            CloseableHttpAsyncClient http, AccessTokenSource tokens, String organizationUrl, String apiKey,
            Settings settings, Duration requestTimeout, ObjectMapper mapper, FailureMapper failures,
            ScheduledExecutorService scheduler) {
        this.http = http;
        this.tokens = tokens;
        this.sessionUrl = organizationUrl + "/streaming/session";
        this.eventsUrl = organizationUrl + "/streaming/events";
        this.apiKey = apiKey;
        this.apiHeaders = new ApiHeaders(apiKey);
        this.settings = settings;
        this.mapper = mapper;
        this.failures = failures;
        this.scheduler = scheduler;
        this.requestConfig = RequestConfig.custom().setResponseTimeout(Timeout.of(requestTimeout)).build();
        // a server holds a long poll at most until the session would expire: longer silence means a dead connection
        this.pollConfig = RequestConfig.custom()
                .setResponseTimeout(Timeout.ofSeconds(settings.inactivityDelaySeconds())).build();
    }

    /** The live session's id, creating the session when there is none. */
    public synchronized CompletableFuture<String> id() {
        if (stopped) {
            return CompletableFuture.failedFuture(new IllegalStateException("the streaming session is stopped"));
        }
        if (current != null) {
            return CompletableFuture.completedFuture(current);
        }
        return creations.get(() -> create().whenComplete((id, failure) -> {
            synchronized (this) {
                if (id != null) {
                    current = id;
                }
            }
            lastOutcome = failure == null ? Outcome.success() : Outcome.failure(failure);
            if (failure == null) {
                creationCount.incrementAndGet();
                pollSoon(0);
            } else {
                retryCreationForListeners();
            }
        }));
    }

    /** How the last attempt to create the session ended; empty before the first. */
    public Optional<Outcome> lastOutcome() {
        return Optional.ofNullable(lastOutcome);
    }

    /** How many times this session was created on the server: once, plus once per re-creation after a drop. */
    public long creationCount() {
        return creationCount.get();
    }

    /** The server said {@code id} is gone: the next {@link #id()} creates a new session (unless one already has). */
    public synchronized void dropped(String id) {
        if (id != null && id.equals(current)) {
            LOG.info("The streaming session was dropped by the server; creating a new one");
            current = null;
        }
    }

    /** Whether a failed answer says that the session in it no longer exists. */
    public static boolean saysSessionIsGone(AlvariaMessagingException failure) {
        int status = failure.getStatusCode();
        if (status == 410) {
            return true;
        }
        if (status != 404 && status != 401 && status != 403 && status != 400) {
            return false;
        }
        return failure.getErrorResponse().map(error -> mentionsSession(error.message())
                || error.errors().stream().anyMatch(detail -> mentionsSession(detail.scope())
                        || mentionsSession(detail.reason()) || mentionsSession(detail.message())))
                .orElse(false);
    }

    /**
     * Receives each non-empty batch of events, in order, on the session's scheduler thread (never an HTTP I/O thread,
     * so a route may send through the same client); the next poll starts when every listener has returned.
     */
    public synchronized void addListener(Consumer<List<JsonNode>> listener) {
        listeners.add(listener);
    }

    public synchronized void removeListener(Consumer<List<JsonNode>> listener) {
        listeners.remove(listener);
    }

    /**
     * Acknowledges processed events (sessions created with requireAcknowledgement); a failure only logs, and the
     * server delivers those events again. The future completes either way, when the answer is in.
     */
    public CompletableFuture<Void> acknowledge(List<String> eventIds) {
        String id;
        synchronized (this) {
            id = current;
        }
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(Map.of("eventIds", eventIds));
        } catch (IOException e) {
            LOG.warn("Could not write the acknowledgement of {} events", eventIds.size());
            return CompletableFuture.completedFuture(null);
        }
        return tokens.token(http)
                .thenCompose(token -> AsyncHttp.execute(http, apiHeaders.request(
                        SimpleRequestBuilder.post(eventsUrl + "/acknowledge").setBody(body, ContentType.APPLICATION_JSON),
                        token, id, requestConfig)))
                .handle((response, failure) -> {
                    if (failure != null || response.getCode() >= 300) {
                        LOG.warn("Acknowledging {} events failed ({}): the server delivers them again",
                                 eventIds.size(), failure != null ? failure.getClass().getSimpleName()
                                         : "HTTP " + response.getCode());
                    }
                    return null;
                });
    }

    /** Stops polling and deletes the session on the server. */
    public CompletableFuture<Void> stop() {
        String id;
        synchronized (this) {
            stopped = true;
            id = current;
            current = null;
        }
        if (id == null) {
            return CompletableFuture.completedFuture(null);
        }
        return tokens.token(http)
                .thenCompose(token -> AsyncHttp.execute(http, apiHeaders.request(
                        SimpleRequestBuilder.delete(sessionUrl), token, id, requestConfig)))
                .handle((response, failure) -> {
                    if (failure != null || response.getCode() >= 300) {
                        LOG.warn("Deleting the streaming session failed ({}); the server drops it after {} s",
                                 failure != null ? failure.getClass().getSimpleName() : "HTTP " + response.getCode(),
                                 settings.inactivityDelaySeconds());
                    } else {
                        LOG.info("Deleted the streaming session");
                    }
                    return null;
                });
    }

    /** An events consumer waits for no send: without a session it would never hear anything, so try again. */
    private void retryCreationForListeners() {
        synchronized (this) {
            if (stopped || listeners.isEmpty()) {
                return;
            }
        }
        scheduler.schedule(() -> id().exceptionally(failure -> null), CREATE_RETRY_SECONDS, TimeUnit.SECONDS);
    }

    private CompletableFuture<String> create() {
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(Map.of("inactivityDelay", settings.inactivityDelaySeconds(),
                                                   "maxEvents", settings.maxEvents(),
                                                   "requireAcknowledgement", settings.requireAcknowledgement()));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return tokens.token(http).thenCompose(token -> {
            SimpleHttpRequest request = apiHeaders.request(
                    SimpleRequestBuilder.post(sessionUrl).setBody(body, ContentType.APPLICATION_JSON), token, null,
                    requestConfig);
            return AsyncHttp.execute(http, request).handle((response, failure) -> {
                if (failure != null) {
                    throw new CompletionException(failures.fromTransport(OPERATION, "POST", sessionUrl, failure));
                }
                if (response.getCode() < 200 || response.getCode() > 299) {
                    throw new CompletionException(
                            failures.fromResponse(OPERATION, "POST", sessionUrl, response, apiKey, token));
                }
                String id = sessionId(response);
                if (id == null) {
                    // a 2xx without an id is a broken gateway or service, worth trying again later
                    throw new CompletionException(new AlvariaRetryableException(
                            OPERATION + " failed: HTTP " + response.getCode() + " from POST " + sessionUrl
                            + " carried no sessionId", OPERATION, sessionUrl, response.getCode(), "No session id",
                            Map.of(), null, null, null, null));
                }
                LOG.info("Created a streaming session (inactivityDelay {} s)", settings.inactivityDelaySeconds());
                return id;
            });
        });
    }

    private String sessionId(SimpleHttpResponse response) {
        try {
            JsonNode id = mapper.readTree(response.getBodyBytes()).path("sessionId");
            return id.isTextual() && !id.asText().isBlank() ? id.asText() : null;
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /** Starts the next poll unless one is running: never two polls on one session. */
    private void pollSoon(long delayMillis) {
        synchronized (this) {
            if (polling || stopped) {
                return;
            }
            polling = true;
        }
        if (delayMillis == 0) {
            poll(0);
        } else {
            scheduler.schedule(() -> poll(delayMillis), delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** @param lastBackoffMillis the wait before this poll, doubled after each failure in a row */
    private void poll(long lastBackoffMillis) {
        String id;
        synchronized (this) {
            id = current;
            if (stopped || id == null) {
                polling = false;
                return;
            }
        }
        long started = System.nanoTime();
        tokens.token(http)
                .thenCompose(token -> AsyncHttp.execute(http, apiHeaders.request(
                                SimpleRequestBuilder.get(eventsUrl), token, id, pollConfig))
                        .thenApplyAsync(response -> {
                            if (response.getCode() >= 200 && response.getCode() <= 299) {
                                List<JsonNode> events = events(response);
                                deliver(events);
                                long elapsed = (System.nanoTime() - started) / 1_000_000;
                                return events.isEmpty() ? Math.max(0, MIN_EMPTY_POLL_INTERVAL_MILLIS - elapsed) : 0L;
                            }
                            AlvariaMessagingException failure
                                    = failures.fromResponse(OPERATION, "GET", eventsUrl, response, apiKey, token);
                            if (saysSessionIsGone(failure)) {
                                dropped(id);
                                return -1L;
                            }
                            if (response.getCode() == 401) {
                                tokens.reject(token);
                            }
                            throw new CompletionException(failure);
                        }, scheduler))
                .whenComplete((outcome, failure) -> {
                    synchronized (this) {
                        polling = false;
                        if (stopped) {
                            return;
                        }
                    }
                    if (outcome != null && outcome < 0) {
                        // the next id() creates the session and starts polling it
                        id().exceptionally(creationFailure -> {
                            LOG.warn("Re-creating the streaming session failed: {}", creationFailure.getMessage());
                            return null;
                        });
                    } else if (failure != null) {
                        long backoff = Math.min(Math.max(1000, lastBackoffMillis * 2), MAX_POLL_BACKOFF.toMillis());
                        LOG.warn("Polling the streaming session's events failed, next poll in {} ms: {}", backoff,
                                 failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage());
                        pollSoon(backoff);
                    } else {
                        pollSoon(outcome);
                    }
                });
    }

    private List<JsonNode> events(SimpleHttpResponse response) {
        try {
            byte[] body = response.getBodyBytes();
            JsonNode answer = body == null || body.length == 0 ? mapper.nullNode() : mapper.readTree(body);
            if (answer.isArray()) {
                return list(answer);
            }
            for (JsonNode field : answer) {
                if (field.isArray()) {
                    return list(field);
                }
            }
            return List.of();
        } catch (IOException unreadable) {
            LOG.warn("Skipped an events answer that is not JSON ({} bytes)",
                     response.getBodyBytes() == null ? 0 : response.getBodyBytes().length);
            return List.of();
        }
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> events = new ArrayList<>(array.size());
        array.forEach(events::add);
        return events;
    }

    private void deliver(List<JsonNode> events) {
        List<Consumer<List<JsonNode>>> receivers;
        synchronized (this) {
            receivers = stopped || events.isEmpty() ? List.of() : List.copyOf(listeners);
        }
        for (Consumer<List<JsonNode>> listener : receivers) {
            try {
                listener.accept(events);
            } catch (RuntimeException e) {
                // the poller must never die: a listener's failure is its own
                LOG.warn("An events listener failed: {}", e.toString());
            }
        }
    }

    private static boolean mentionsSession(String text) {
        return text != null && text.toLowerCase(Locale.ROOT).contains("session");
    }
}
