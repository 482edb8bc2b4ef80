package io.github.camelalvaria.messaging.client;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelalvaria.messaging.AlvariaMessagingException;
import io.github.camelalvaria.messaging.AlvariaRetryableException;
import org.apache.camel.spi.StateRepository;
import org.apache.camel.support.service.ServiceSupport;
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
 * The streaming session the component manages when no session id is configured, as a Camel service: created on first
 * need, kept alive by exactly one long poll of its events at a time, created again (once, however many sends find out
 * at the same moment) when the server has dropped it, and deleted on the server when it is given up or stopped.
 * <p>
 * Handover. With a state repository, the session's id is stored there whenever a session is created, and a session
 * that needs one first adopts the stored id (no new session: the events queued on it, those a previous owner received
 * and never acknowledged included, come to this one); its first poll confirms it, and a server that no longer has it
 * answers that poll 404 or 410, after which a new session is created and stored. Stopping then leaves the session on
 * the server for the next owner (the server drops it after its inactivityDelay if nobody polls it). While the server
 * still holds a previous owner's long poll, it refuses another one (409): the session is polled again every second,
 * without backing off, for at most the inactivityDelay.
 * <p>
 * Polling. While the session lives and may be polled, exactly one poll is in flight or scheduled: every end of a poll
 * schedules the next, whatever happened to the session meanwhile. A session that events consumers have started on is
 * polled only while every one of them is running, so a stopped or suspended route takes nothing off the platform; a
 * session only producers use is polled to keep it alive, and its events are discarded. The poll runs on no consumer's
 * thread: events are handed to the consumers ({@link Subscriber}), which run their routes on their own threads. While
 * a batch is out with them the next poll waits for it, but at most {@link #keepAliveMillis}, so a slow route never lets
 * the session expire and never delays another session.
 * <p>
 * Acknowledgement. An event is out until every running consumer that accepts its type has settled it; it is
 * acknowledged (with requireAcknowledgement) only when all of them processed it successfully. While it is out, the
 * server's redeliveries of it are ignored, so a keep-alive poll never hands it out twice.
 * <p>
 * The v2 request and event bodies are not in the API reference: the create body carries the configurable fields below,
 * and answers are read leniently (unknown fields ignored; events as a JSON array or as the first array inside an
 * object).
 */
public final class StreamingSession extends ServiceSupport {

    /** How the session is created. */
    public record Settings(int inactivityDelaySeconds, int maxEvents, boolean requireAcknowledgement) {
    }

    /** An events consumer of the session. */
    public interface Subscriber {

        /**
         * What stays the same when the subscriber is replaced by a new one for the same purpose (its route's id: Camel
         * creates a new consumer when a stopped route starts again).
         */
        Object key();

        /** Whether this subscriber takes events of this type ({@code null}: the event names none). */
        boolean accepts(String type);

        /** Hands one event over and returns at once; the subscriber settles the delivery exactly once. */
        void deliver(JsonNode event, Delivery delivery);

        /** Polling or creating the session failed (it is tried again by the session). */
        void failed(String what, Throwable failure);
    }

    /** One event handed to one subscriber. */
    public final class Delivery {

        private final Tracked tracked;
        private final AtomicBoolean settled = new AtomicBoolean();

        private Delivery(Tracked tracked) {
            this.tracked = tracked;
        }

        /** The subscriber is done with the event: {@code processed} when its route succeeded. Only the first counts. */
        public void settle(boolean processed) {
            if (settled.compareAndSet(false, true)) {
                StreamingSession.this.settle(tracked, processed);
            }
        }
    }

    /** One event of a batch, out with {@code remaining} subscribers. */
    private static final class Tracked {
        final String eventId;
        final Batch batch;
        int remaining;
        boolean failed;

        Tracked(String eventId, Batch batch, int remaining) {
            this.eventId = eventId;
            this.batch = batch;
            this.remaining = remaining;
        }
    }

    /** A session id to use, and whether it was adopted from the state repository rather than created. */
    private record Obtained(String id, boolean adopted) {
    }

    /** One poll's events while they are out; acknowledged together when the last is settled. */
    private static final class Batch {
        final String sessionId;
        final List<String> eventIds = new ArrayList<>();
        final List<String> processed = new ArrayList<>();
        int unsettled;

        Batch(String sessionId) {
            this.sessionId = sessionId;
        }
    }

    static final String OPERATION = "streamingSession";
    private static final Duration MAX_POLL_BACKOFF = Duration.ofSeconds(30);
    /** A server that answers a long poll at once, with nothing, is not polled again sooner than this. */
    private static final long MIN_EMPTY_POLL_INTERVAL_MILLIS = 1000;
    private static final long CREATE_RETRY_SECONDS = 5;
    /** While another poll still waits on the session (a previous owner's, cut off), the next try comes this soon. */
    private static final long CONCURRENT_POLL_RETRY_MILLIS = 1000;
    /** How many given-up session ids are remembered, to recognise a send's failure caused by one of them. */
    private static final int REMEMBERED_GONE = 16;
    private static final Set<Integer> GONE_STATUSES = Set.of(400, 401, 403, 404, 410);
    private static final Logger LOG = LoggerFactory.getLogger(StreamingSession.class);

    private final CloseableHttpAsyncClient http;
    private final AccessTokenSource tokens;
    private final String sessionUrl;
    private final String eventsUrl;
    private final String apiKey;
    private final ApiHeaders apiHeaders;
    private final Settings settings;
    /** Where the session id is kept for the next owner; null: nowhere, the session lives and dies with this object. */
    private final StateRepository<String, String> idRepository;
    private final String idKey;
    private final ObjectMapper mapper;
    private final FailureMapper failures;
    private final ScheduledExecutorService scheduler;
    private final RequestConfig requestConfig;
    private final RequestConfig pollConfig;
    private final Duration stopTimeout;
    /** The longest a poll waits for the consumers to finish a batch: a third of the session's inactivityDelay. */
    private final long keepAliveMillis;

    private final SingleFlight<String> creations = new SingleFlight<>();
    private final AtomicLong creationCount = new AtomicLong();
    private volatile Outcome lastOutcome;

    // guarded by this
    private String current;
    /** The current id was adopted from the state repository and no poll of it has been answered 2xx yet. */
    private boolean unconfirmed;
    private boolean closed;
    private CompletableFuture<Obtained> creating;
    private boolean pollInFlight;
    private ScheduledFuture<?> nextPoll;
    private int pollFailuresInRow;
    /** Polls answered 409 (another poll still waits on the session) since the last poll answered 2xx. */
    private int concurrentPollRefusals;
    /** The consumers that started and are not detached, by {@link Subscriber#key()}, and whether each runs now. */
    private final Map<Object, Attached> subscribers = new LinkedHashMap<>();
    private final Map<String, Tracked> outstanding = new HashMap<>();
    private int batchesOut;
    /** Events polled while not every consumer ran: delivered when they all run again. */
    private final List<JsonNode> parked = new ArrayList<>();
    private String parkedSessionId;
    private final Set<String> givenUp = new LinkedHashSet<>();

    /**
     * @param organizationUrl e.g. {@code https://acme.via.aspect-cloud.net/via/v2/organizations/acme}
     * @param idRepository    where the session id is stored for, and adopted from, another owner (an instance taking
     *                        over, this one after a restart); null: none, and stopping deletes the session
     * @param requestConfig   the timeouts of the session's calls (response, pool lease); a poll waits longer
     * @param stopTimeout     how long stopping waits for the session's deletion (and a creation under way)
     */
    public StreamingSession(
            CloseableHttpAsyncClient http, AccessTokenSource tokens, String organizationUrl, String apiKey,
            Settings settings, StateRepository<String, String> idRepository, RequestConfig requestConfig,
            ObjectMapper mapper, FailureMapper failures, ScheduledExecutorService scheduler, Duration stopTimeout) {
        this.http = http;
        this.tokens = tokens;
        this.sessionUrl = organizationUrl + "/streaming/session";
        this.eventsUrl = organizationUrl + "/streaming/events";
        this.apiKey = apiKey;
        this.apiHeaders = new ApiHeaders(apiKey);
        this.settings = settings;
        this.idRepository = idRepository;
        this.idKey = stateKey(organizationUrl, settings);
        this.mapper = mapper;
        this.failures = failures;
        this.scheduler = scheduler;
        this.stopTimeout = stopTimeout;
        this.requestConfig = requestConfig;
        // a server holds a long poll at most until the session would expire: longer silence means a dead connection
        this.pollConfig = RequestConfig.copy(requestConfig)
                .setResponseTimeout(Timeout.ofSeconds(settings.inactivityDelaySeconds())).build();
        this.keepAliveMillis = Math.max(1000L, settings.inactivityDelaySeconds() * 1000L / 3);
    }

    /**
     * The key under which the session id is stored: the organization URL and the session's settings, nothing secret.
     * A session created with other settings is another session. No '=' nor line break, which camel-support's
     * FileStateRepository refuses in a key.
     */
    public static String stateKey(String organizationUrl, Settings settings) {
        return organizationUrl + "/streaming/session;inactivityDelay:" + settings.inactivityDelaySeconds()
               + ";maxEvents:" + settings.maxEvents() + ";requireAcknowledgement:" + settings.requireAcknowledgement();
    }

    /** The live session's id: the current one, else the stored one (adopted), else a new session's. */
    public CompletableFuture<String> id() {
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(stoppedBeforeUse());
            }
            if (current != null) {
                return CompletableFuture.completedFuture(current);
            }
        }
        return creations.get(() -> {
            CompletableFuture<Obtained> obtaining = new CompletableFuture<>();
            synchronized (this) {
                if (closed) {
                    return CompletableFuture.failedFuture(stoppedBeforeUse());
                }
                // before the request goes out, so that a stop from now on deletes what it creates
                creating = obtaining;
            }
            obtain().whenComplete((obtained, failure) -> {
                if (failure != null) {
                    obtaining.completeExceptionally(AsyncHttp.unwrap(failure));
                } else {
                    obtaining.complete(obtained);
                }
            });
            return obtaining.handle(this::obtained);
        });
    }

    /** The stored id when there is one this session has not given up, else a new session. */
    private CompletableFuture<Obtained> obtain() {
        String stored;
        try {
            stored = idRepository == null ? null : idRepository.getState(idKey);
        } catch (RuntimeException unreadable) {
            // creating a session instead would strand the events on the stored one
            return CompletableFuture.failedFuture(new AlvariaRetryableException(
                    OPERATION + " failed: the state repository holding the session id could not be read: "
                    + unreadable.getMessage(), OPERATION, sessionUrl, 0, null, Map.of(), null, null, null, unreadable));
        }
        synchronized (this) {
            if (stored != null && !stored.isBlank() && !givenUp.contains(stored)) {
                return CompletableFuture.completedFuture(new Obtained(stored, true));
            }
        }
        return create().thenApply(id -> new Obtained(id, false));
    }

    private String obtained(Obtained obtained, Throwable failure) {
        synchronized (this) {
            creating = null;
            if (closed) {
                // stop() deletes the session this creation made (never an adopted one)
                throw new CompletionException(stoppedBeforeUse());
            }
            if (failure == null) {
                current = obtained.id();
                unconfirmed = obtained.adopted();
            }
        }
        lastOutcome = failure == null ? Outcome.success() : Outcome.failure(failure);
        if (failure != null) {
            notifySubscribers("Creating the Alvaria streaming session failed", AsyncHttp.unwrap(failure));
            retryCreationForSubscribers();
            throw new CompletionException(AsyncHttp.unwrap(failure));
        }
        if (obtained.adopted()) {
            LOG.info("Adopting the streaming session whose id the state repository holds; its first poll confirms it");
        } else {
            creationCount.incrementAndGet();
            store(obtained.id());
        }
        schedulePoll(0);
        return obtained.id();
    }

    /** A failure only warns: the session works, but an owner after this one will not find it. */
    private void store(String id) {
        if (idRepository == null) {
            return;
        }
        try {
            idRepository.setState(idKey, id);
        } catch (RuntimeException unwritable) {
            LOG.warn("Could not store the streaming session id in the state repository ({}): an instance taking over"
                     + " creates a session of its own, and events left unacknowledged on this one do not reach it",
                     unwritable.getMessage());
        }
    }

    /** A message that waited for a session the component stopped was never sent: worth sending again later. */
    private AlvariaRetryableException stoppedBeforeUse() {
        return new AlvariaRetryableException(
                OPERATION + " failed: the streaming session was stopped before the message was sent", OPERATION,
                sessionUrl, 0, null, Map.of(), null, null, null, null);
    }

    /** How the last attempt to create the session ended; empty before the first. */
    public Optional<Outcome> lastOutcome() {
        return Optional.ofNullable(lastOutcome);
    }

    /** How many times this session was created on the server: once, plus once per re-creation after a drop. */
    public long creationCount() {
        return creationCount.get();
    }

    /**
     * The session {@code id} is given up (the server said it is gone): it is deleted on the server, should it still
     * be there, and the next {@link #id()} creates a new session (unless one already has).
     */
    public void dropped(String id) {
        boolean wasCurrent;
        boolean wasAdopted;
        synchronized (this) {
            wasCurrent = id != null && id.equals(current);
            wasAdopted = wasCurrent && unconfirmed;
            if (wasCurrent) {
                current = null;
                unconfirmed = false;
                givenUp.add(id);
                if (givenUp.size() > REMEMBERED_GONE) {
                    givenUp.remove(givenUp.iterator().next());
                }
            }
        }
        if (wasAdopted) {
            LOG.info("The streaming session the state repository held no longer exists on the server; creating a new"
                     + " one");
        } else if (wasCurrent) {
            LOG.info("The streaming session was dropped by the server; deleting it and creating a new one");
            delete(id);
        }
    }

    /**
     * Whether a send's failed answer means that its session {@code id} no longer exists: the answer says so (a 4xx
     * whose error names the session), or the component already gave that session up (its own poll was told so).
     * Anything else, 410 for an ended interaction included, is the message's own failure.
     */
    public boolean isGone(String id, AlvariaMessagingException failure) {
        if (!GONE_STATUSES.contains(failure.getStatusCode())) {
            return false;
        }
        synchronized (this) {
            if (givenUp.contains(id)) {
                return true;
            }
        }
        return namesTheSession(failure);
    }

    /** Whether a failed answer's error names the session as what is wrong. */
    static boolean namesTheSession(AlvariaMessagingException failure) {
        return failure.getErrorResponse().map(error -> mentionsSession(error.message())
                || error.errors().stream().anyMatch(detail -> mentionsSession(detail.scope())
                        || mentionsSession(detail.reason()) || mentionsSession(detail.message())))
                .orElse(false);
    }

    /**
     * A consumer started (or resumed): it receives events from now on, and the session is created if need be. From
     * now until it {@linkplain #detach detaches}, the session is polled only while it runs.
     */
    public void subscribe(Subscriber subscriber) {
        synchronized (this) {
            subscribers.put(subscriber.key(), new Attached(subscriber, true));
        }
        id().exceptionally(failure -> {
            LOG.warn("The streaming session could not be created yet; it is tried again in {} s: {}",
                     CREATE_RETRY_SECONDS, AsyncHttp.unwrap(failure).getMessage());
            return null;
        });
        resumePolling();
    }

    /** A consumer stopped (or was suspended): the session is not polled until it runs again (or detaches). */
    public synchronized void pause(Subscriber subscriber) {
        subscribers.computeIfPresent(subscriber.key(), (key, attached) -> attached.subscriber() == subscriber
                ? new Attached(subscriber, false) : attached);
    }

    /** A consumer is gone for good (its route was removed): the session no longer waits for it. */
    public void detach(Subscriber subscriber) {
        synchronized (this) {
            subscribers.computeIfPresent(subscriber.key(),
                                         (key, attached) -> attached.subscriber() == subscriber ? null : attached);
        }
        resumePolling();
    }

    /** Whether the session is polled now: it lives, nothing is parked, and every events consumer runs. */
    private boolean mayPoll() {
        return !closed && current != null && parked.isEmpty() && mayDeliver();
    }

    private boolean mayDeliver() {
        return subscribers.values().stream().allMatch(Attached::running);
    }

    private List<Subscriber> running() {
        return subscribers.values().stream().filter(Attached::running).map(Attached::subscriber).toList();
    }

    /** Delivers what was parked once every consumer runs, then polls. */
    private void resumePolling() {
        List<JsonNode> events;
        String sessionId;
        synchronized (this) {
            if (!closed && !parked.isEmpty() && subscribers.isEmpty()) {
                // the last consumer was removed: nobody will take them, as in a session only producers use
                LOG.debug("Discarded {} events: no events route uses this streaming session", parked.size());
                parked.clear();
            }
            if (closed || parked.isEmpty() || !mayDeliver()) {
                events = List.of();
                sessionId = null;
            } else {
                events = List.copyOf(parked);
                sessionId = parkedSessionId;
                parked.clear();
            }
        }
        if (!events.isEmpty()) {
            dispatch(sessionId, events);
        }
        schedulePoll(0);
    }

    /**
     * Schedules the next poll unless one is in flight or scheduled: never two polls on one session. While a batch is
     * out with the consumers the poll waits for it ({@link #pollNowIfWaiting}), at most {@link #keepAliveMillis}.
     */
    private void schedulePoll(long delayMillis) {
        synchronized (this) {
            if (pollInFlight || nextPoll != null || !mayPoll()) {
                return;
            }
            long delay = batchesOut > 0 ? Math.max(delayMillis, keepAliveMillis) : delayMillis;
            try {
                nextPoll = scheduler.schedule(this::poll, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException componentStopping) {
                nextPoll = null;
            }
        }
    }

    /** The consumers finished a batch: a poll waiting for that starts now. */
    private void pollNowIfWaiting() {
        synchronized (this) {
            if (nextPoll == null || batchesOut > 0 || !nextPoll.cancel(false)) {
                return;
            }
            nextPoll = null;
        }
        schedulePoll(0);
    }

    private void poll() {
        String id;
        synchronized (this) {
            nextPoll = null;
            if (!mayPoll()) {
                return;
            }
            id = current;
            pollInFlight = true;
        }
        long started = System.nanoTime();
        tokens.token(http)
                .thenCompose(token -> AsyncHttp.execute(http, apiHeaders.request(
                                SimpleRequestBuilder.get(eventsUrl).build(), token, id, pollConfig))
                        .thenApply(response -> Map.entry(token, response)))
                .whenCompleteAsync((answer, failure) -> {
                    long nextDelay = MIN_EMPTY_POLL_INTERVAL_MILLIS;
                    try {
                        nextDelay = polled(id, answer == null ? null : answer.getKey(),
                                           answer == null ? null : answer.getValue(), failure, started);
                    } catch (RuntimeException unexpected) {
                        // the poller must never die
                        LOG.warn("Handling a poll of the streaming session failed: {}", unexpected.toString());
                    } finally {
                        synchronized (this) {
                            pollInFlight = false;
                        }
                        schedulePoll(nextDelay);
                    }
                }, scheduler);
    }

    /** @return the wait before the next poll */
    private long polled(String id, String token, SimpleHttpResponse response, Throwable failure, long started) {
        synchronized (this) {
            if (closed) {
                return 0;
            }
        }
        AlvariaMessagingException problem;
        if (failure != null) {
            Throwable cause = AsyncHttp.unwrap(failure);
            // a failed token request is already typed
            problem = cause instanceof AlvariaMessagingException typed ? typed
                    : failures.fromTransport(OPERATION, "GET", eventsUrl, cause);
        } else if (response.getCode() >= 200 && response.getCode() <= 299) {
            boolean confirmed;
            int refused;
            synchronized (this) {
                pollFailuresInRow = 0;
                refused = concurrentPollRefusals;
                concurrentPollRefusals = 0;
                confirmed = unconfirmed && id.equals(current);
                if (confirmed) {
                    unconfirmed = false;
                }
            }
            if (confirmed) {
                LOG.info("Adopted the streaming session the state repository held: its first poll was answered ({}"
                         + " refused 409 before it)", refused);
            }
            List<JsonNode> events = events(response);
            handle(id, events);
            long elapsed = (System.nanoTime() - started) / 1_000_000;
            return events.isEmpty() ? Math.max(0, MIN_EMPTY_POLL_INTERVAL_MILLIS - elapsed) : 0;
        } else {
            problem = failures.fromResponse(OPERATION, "GET", eventsUrl, response, apiKey, token);
            // a poll names nothing but its session: Not Found or Gone is about the session
            if (response.getCode() == 404 || response.getCode() == 410
                || GONE_STATUSES.contains(response.getCode()) && namesTheSession(problem)) {
                dropped(id);
                id().exceptionally(creationFailure -> null);
                return 0;
            }
            if (response.getCode() == 401) {
                tokens.reject(token);
            }
            if (response.getCode() == 409 && awaitsAnotherPoll()) {
                return CONCURRENT_POLL_RETRY_MILLIS;
            }
        }
        long backoff;
        synchronized (this) {
            pollFailuresInRow++;
            backoff = Math.min(1000L << Math.min(pollFailuresInRow - 1, 10), MAX_POLL_BACKOFF.toMillis());
        }
        LOG.warn("Polling the streaming session's events failed, next poll in {} ms: {}", backoff,
                 problem.getMessage());
        notifySubscribers("Polling the Alvaria streaming session failed", problem);
        return backoff;
    }

    /**
     * A 409: another poll still waits on the session, most likely one a previous owner sent before it died, which the
     * server holds until its wait ends. True while that is worth a retry every second rather than a backoff: for at
     * most the inactivityDelay, the longest a server holds a poll; beyond it, another client polls this session.
     */
    private boolean awaitsAnotherPoll() {
        int refusals;
        synchronized (this) {
            refusals = ++concurrentPollRefusals;
        }
        if (refusals * CONCURRENT_POLL_RETRY_MILLIS > settings.inactivityDelaySeconds() * 1000L) {
            return false;
        }
        if (refusals == 1) {
            LOG.info("Another poll still waits on the streaming session (a previous owner's, cut off?): polling again"
                     + " every {} ms until the server ends it, for at most {} s", CONCURRENT_POLL_RETRY_MILLIS,
                     settings.inactivityDelaySeconds());
        } else {
            LOG.debug("A poll of the streaming session refused 409 ({} so far): another poll still waits on it",
                      refusals);
        }
        return true;
    }

    /** A polled batch: handed to the consumers, parked while not all of them run, discarded when there are none. */
    private void handle(String sessionId, List<JsonNode> events) {
        if (events.isEmpty()) {
            return;
        }
        synchronized (this) {
            if (subscribers.isEmpty()) {
                LOG.debug("Discarded {} events: no events route uses this streaming session", events.size());
                return;
            }
            if (!mayDeliver() || !parked.isEmpty()) {
                parked.addAll(events);
                parkedSessionId = sessionId;
                return;
            }
        }
        dispatch(sessionId, events);
    }

    private record Attached(Subscriber subscriber, boolean running) {
    }

    private record Handoff(Subscriber subscriber, JsonNode event, Delivery delivery) {
    }

    private void dispatch(String sessionId, List<JsonNode> events) {
        Batch batch = new Batch(sessionId);
        List<Handoff> handoffs = new ArrayList<>();
        synchronized (this) {
            for (JsonNode event : events) {
                if (!event.isObject()) {
                    LOG.warn("Skipped a malformed event: a JSON {} where an object was expected", event.getNodeType());
                    continue;
                }
                String eventId = text(event, "eventId");
                if (eventId != null && outstanding.containsKey(eventId)) {
                    LOG.debug("Event {} delivered again while it is being processed: ignored", eventId);
                    continue;
                }
                String type = text(event, "type");
                List<Subscriber> takers = running().stream().filter(subscriber -> subscriber.accepts(type)).toList();
                if (takers.isEmpty()) {
                    // no route wants it: done with
                    if (eventId != null) {
                        batch.processed.add(eventId);
                    }
                    continue;
                }
                Tracked tracked = new Tracked(eventId, batch, takers.size());
                batch.unsettled++;
                if (eventId != null) {
                    outstanding.put(eventId, tracked);
                    batch.eventIds.add(eventId);
                }
                takers.forEach(subscriber -> handoffs.add(new Handoff(subscriber, event, new Delivery(tracked))));
            }
            batchesOut++;
        }
        for (Handoff handoff : handoffs) {
            try {
                handoff.subscriber().deliver(handoff.event(), handoff.delivery());
            } catch (RuntimeException e) {
                LOG.warn("An events consumer refused an event: {}", e.toString());
                handoff.delivery().settle(false);
            }
        }
        if (handoffs.isEmpty()) {
            finish(batch);
        }
    }

    private void settle(Tracked tracked, boolean processed) {
        Batch done = null;
        synchronized (this) {
            tracked.failed |= !processed;
            if (--tracked.remaining > 0) {
                return;
            }
            if (!tracked.failed && tracked.eventId != null) {
                tracked.batch.processed.add(tracked.eventId);
            }
            if (--tracked.batch.unsettled == 0) {
                done = tracked.batch;
            }
        }
        if (done != null) {
            finish(done);
        }
    }

    /** Every event of the batch is settled: acknowledge what every consumer processed, then let the next poll go. */
    private void finish(Batch batch) {
        CompletableFuture<Void> acknowledged = settings.requireAcknowledgement() && !batch.processed.isEmpty()
                ? acknowledge(batch.sessionId, batch.processed) : CompletableFuture.completedFuture(null);
        // the ids stay outstanding until the server has the acknowledgement, so a poll meanwhile cannot hand them out
        acknowledged.whenComplete((ignored, failure) -> {
            synchronized (this) {
                batch.eventIds.forEach(outstanding::remove);
                batchesOut--;
            }
            pollNowIfWaiting();
        });
    }

    /** A failure only logs: the server delivers those events again. Completes either way, when the answer is in. */
    private CompletableFuture<Void> acknowledge(String sessionId, List<String> eventIds) {
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(Map.of("eventIds", eventIds));
        } catch (IOException e) {
            LOG.warn("Could not write the acknowledgement of {} events", eventIds.size());
            return CompletableFuture.completedFuture(null);
        }
        return tokens.token(http)
                .thenCompose(token -> AsyncHttp.execute(http, apiHeaders.request(
                        SimpleRequestBuilder.post(eventsUrl + "/acknowledge")
                                .setBody(body, ContentType.APPLICATION_JSON).build(),
                        token, sessionId, requestConfig)))
                .handle((response, failure) -> {
                    if (failure != null || response.getCode() >= 300) {
                        LOG.warn("Acknowledging {} events failed ({}): the server delivers them again",
                                 eventIds.size(), failure != null ? AsyncHttp.unwrap(failure).getClass().getSimpleName()
                                         : "HTTP " + response.getCode());
                    }
                    return null;
                });
    }

    private void notifySubscribers(String what, Throwable failure) {
        List<Subscriber> receivers;
        synchronized (this) {
            receivers = closed ? List.of() : running();
        }
        receivers.forEach(subscriber -> subscriber.failed(what, failure));
    }

    /** An events consumer waits for no send: without a session it would never hear anything, so try again. */
    private void retryCreationForSubscribers() {
        synchronized (this) {
            if (closed || subscribers.isEmpty()) {
                return;
            }
        }
        try {
            scheduler.schedule(() -> id().exceptionally(failure -> null), CREATE_RETRY_SECONDS, TimeUnit.SECONDS);
        } catch (RejectedExecutionException componentStopping) {
            // nothing left to poll for
        }
    }

    @Override
    protected void doStart() throws Exception {
        synchronized (this) {
            closed = false;
        }
    }

    /**
     * Stops polling and deletes the session on the server, a session whose creation is still under way included (it
     * is deleted when the answer arrives); waits for that at most the stop timeout. With a state repository the
     * session is left on the server for the next owner, except one whose creation was still under way (never
     * stored, nobody would find it).
     */
    @Override
    protected void doStop() throws Exception {
        String id;
        CompletableFuture<Obtained> creation;
        int parkedEvents;
        synchronized (this) {
            closed = true;
            id = current;
            current = null;
            creation = creating;
            if (nextPoll != null) {
                nextPoll.cancel(false);
                nextPoll = null;
            }
            parkedEvents = parked.size();
            parked.clear();
            subscribers.clear();
        }
        if (parkedEvents > 0) {
            LOG.warn("Stopped the streaming session with {} events no route took{}", parkedEvents,
                     settings.requireAcknowledgement() ? ": unacknowledged, the server delivers them again"
                             : ": they are lost (requireAcknowledgement=false)");
        }
        List<CompletableFuture<Void>> deletions = new ArrayList<>();
        if (id != null && idRepository == null) {
            deletions.add(delete(id));
        } else if (id != null) {
            LOG.info("Left the streaming session on the server for the next owner (the state repository holds its id);"
                     + " the server drops it after {} s without a poll", settings.inactivityDelaySeconds());
        }
        if (creation != null) {
            deletions.add(creation.handle((obtained, failure) -> obtained)
                    .thenCompose(obtained -> obtained != null && !obtained.adopted() ? delete(obtained.id())
                            : CompletableFuture.completedFuture(null)));
        }
        try {
            CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new))
                    .get(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception timedOutOrFailed) {
            LOG.warn("The streaming session was not deleted in time: {}", timedOutOrFailed.toString());
        }
    }

    /** Deletes a session on the server; a failure only logs (the server drops it after its inactivityDelay). */
    private CompletableFuture<Void> delete(String id) {
        return tokens.token(http)
                .thenCompose(token -> AsyncHttp.execute(http, apiHeaders.request(
                        SimpleRequestBuilder.delete(sessionUrl).build(), token, id, requestConfig)))
                .handle((response, failure) -> {
                    if (failure != null || response.getCode() >= 300) {
                        LOG.warn("Deleting a streaming session failed ({}); the server drops it after {} s",
                                 failure != null ? AsyncHttp.unwrap(failure).getClass().getSimpleName()
                                         : "HTTP " + response.getCode(),
                                 settings.inactivityDelaySeconds());
                    } else {
                        LOG.info("Deleted a streaming session");
                    }
                    return null;
                });
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
                    SimpleRequestBuilder.post(sessionUrl).setBody(body, ContentType.APPLICATION_JSON).build(), token,
                    null, requestConfig);
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

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    private static boolean mentionsSession(String text) {
        return text != null && text.toLowerCase(Locale.ROOT).contains("session");
    }
}
