package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback that behaves like the Alvaria platform: the OAuth token endpoint, the three
 * Messaging API v2.0.1 calls with every rule of the reference, the streaming session with its long-polled events,
 * a record of what it accepted, and injected faults. The HTTP contract is in the package documentation.
 *
 * <pre>{@code
 * try (AlvariaSimulator simulator = AlvariaSimulator.start(SimulatorSettings.DEMO)) {
 *     // point the client at simulator.baseUrl() and simulator.tokenUrl(), then
 *     List<AcceptedMessage> sent = simulator.accepted("4321");
 * }
 * }</pre>
 */
public final class AlvariaSimulator implements AutoCloseable {

    /** Every access token the simulator issues starts so, which lets a test find any of them wherever it leaked. */
    public static final String TOKEN_PREFIX = "sim-token.";

    private static final Logger LOG = LoggerFactory.getLogger(AlvariaSimulator.class);
    /** Connections waiting to be accepted; generous, so that a benchmark's burst of connects is not refused. */
    private static final int BACKLOG = 1024;
    /** Requests waiting for a worker; beyond it the server closes the new connection (overload). */
    private static final int QUEUED_REQUESTS = 10_000;
    private static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private final SimulatorSettings settings;
    private final HttpServer server;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService delays;
    private final TokenEndpoint tokens;
    private final MessagingRecord record;
    private final StreamingSessions sessions;
    private volatile FaultDice faultDice;
    private volatile RateLimiter rateLimiter;

    private AlvariaSimulator(SimulatorSettings settings) throws IOException {
        // bind first: a taken port then fails the start before any thread exists
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), BACKLOG);
        this.settings = settings;
        this.faultDice = FaultDice.of(settings.faults());
        this.rateLimiter = new RateLimiter(settings.rateLimit());
        this.record = new MessagingRecord(settings.users(), settings.interactions());
        this.workers = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_REQUESTS), threads("alvaria-simulator-"));
        this.workers.prestartAllCoreThreads();
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, threads("alvaria-simulator-delay-"));
        // a poll's wait is cancelled whenever an event ends it: do not keep the cancelled timers queued
        timers.setRemoveOnCancelPolicy(true);
        this.delays = timers;
        this.sessions = new StreamingSessions(timers, settings.eventsWaitMillis());
        // a string as long as a body may be: the size limit is maxRequestBytes, never Jackson's own default
        JsonFactory json = JsonFactory.builder().streamReadConstraints(
                StreamReadConstraints.builder().maxStringLength(settings.maxRequestBytes()).build()).build();
        ObjectMapper mapper = JsonMapper.builder(json)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        Replies replies = new Replies(mapper);
        this.tokens = new TokenEndpoint(settings, () -> faultDice, replies);
        server.setExecutor(workers);
        server.createContext(TokenEndpoint.PATH, tokens);
        HttpHandler messaging = new MessagingEndpoint(settings, tokens, new MessageValidator(mapper), record, sessions,
                () -> faultDice, () -> rateLimiter, replies, workers, delays);
        HttpHandler streaming = new StreamingEndpoint(settings, tokens, sessions, mapper, replies, workers);
        server.createContext("/via/", exchange -> (StreamingEndpoint.serves(exchange.getRequestURI().getPath())
                ? streaming : messaging).handle(exchange));
        server.createContext("/simulator/", new AdminEndpoint(this, mapper, replies));
        server.createContext("/", new ConversationView(replies));
    }

    /** Starts a simulator; it listens once this returns. */
    public static AlvariaSimulator start(SimulatorSettings settings) {
        // The JDK server writes headers and body apart; without TCP_NODELAY every JSON answer waits ~40 ms for the
        // client's delayed ACK. The JDK reads this once, when its first server starts; a value set by the user wins.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
        AlvariaSimulator simulator;
        try {
            simulator = new AlvariaSimulator(settings);
        } catch (IOException e) {
            throw new UncheckedIOException("the Alvaria simulator cannot listen on 127.0.0.1:" + settings.port(), e);
        }
        simulator.server.start();
        LOG.info("Alvaria simulator listening on {} with {}", simulator.baseUrl(), settings);
        return simulator;
    }

    /** {@code http://127.0.0.1:PORT}, the base of the messaging paths, as the platform's {@code https://{orgId}.via...}. */
    public String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port();
    }

    /** The token endpoint; the client adds {@code ?realm={orgId}}. */
    public String tokenUrl() {
        return baseUrl() + TokenEndpoint.PATH;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public SimulatorSettings settings() {
        return settings;
    }

    public Faults faults() {
        return faultDice.faults();
    }

    /** Replaces the faults; a seed in them restarts the draws, so what follows repeats. */
    public void setFaults(Faults faults) {
        faultDice = FaultDice.of(faults);
        LOG.info("Alvaria simulator faults now {}", faults);
    }

    public RateLimit rateLimit() {
        return rateLimiter.limit();
    }

    /** Replaces the per-organization limit of messaging calls; the buckets start full. */
    public void setRateLimit(RateLimit rateLimit) {
        rateLimiter = new RateLimiter(rateLimit);
        LOG.info("Alvaria simulator rate limit now {}", rateLimit);
    }

    /** Every token issued so far stops working: the next messaging call with one is answered 401. */
    public void expireAllTokens() {
        tokens.expireAll();
    }

    public long tokensIssued() {
        return tokens.issuedCount();
    }

    /** Opens an interaction of {@code userId}, which makes the user known; false if the interactionId is taken. */
    public boolean addInteraction(String interactionId, String userId) {
        return record.addInteraction(interactionId, userId);
    }

    /**
     * Ends an interaction: further sends to it are answered 410, and, if it was open, an {@code interactionEnded}
     * event is queued on every live streaming session. False if there is no such interaction.
     */
    public boolean endInteraction(String interactionId) {
        return record.endInteraction(interactionId,
                userId -> sessions.publish(StreamingEvent.INTERACTION_ENDED, interactionId, userId, null));
    }

    /**
     * The customer of an open interaction sends {@code text}: it is kept in the interaction's conversation, and a
     * {@code customerMessage} event is queued on every live streaming session. With no live session the event reaches
     * no one, as on the platform: a test should wait for its client's session (see {@link #sessions()}) before it
     * injects.
     *
     * @return the event queued
     * @throws IllegalArgumentException for an unknown interaction or a blank text
     * @throws IllegalStateException    for an ended interaction
     */
    public StreamingEvent injectCustomerMessage(String interactionId, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a customer message needs a non-blank text");
        }
        StreamingEvent event = sessions.publish(StreamingEvent.CUSTOMER_MESSAGE, interactionId,
                openInteractionUser(interactionId), text);
        record.addCustomerMessage(interactionId, text, event.eventId(), event.timestamp());
        return event;
    }

    /**
     * The customer of an open interaction is typing: a {@code composing} event is queued on every live session.
     *
     * @return the event queued
     * @throws IllegalArgumentException for an unknown interaction
     * @throws IllegalStateException    for an ended interaction
     */
    public StreamingEvent injectCustomerTyping(String interactionId) {
        return sessions.publish(StreamingEvent.COMPOSING, interactionId, openInteractionUser(interactionId), null);
    }

    /**
     * Queues {@code json}, any one JSON value, on one live session; the next {@code GET /events} delivers it as it is
     * inside {@code "events"}, for testing how a client copes with an event it cannot read. An object with a
     * textual {@code eventId} can be acknowledged by it; any other raw event is delivered once.
     *
     * @return false when {@code sessionId} is not a live session
     * @throws IllegalArgumentException when {@code json} is not one JSON value
     */
    public boolean injectRawEvent(String sessionId, String json) {
        return sessions.publishRaw(sessionId, json);
    }

    /** The live streaming sessions, oldest first. */
    public List<SessionRecord> sessions() {
        return sessions.record().sessions();
    }

    public Optional<SessionRecord> session(String sessionId) {
        return sessions.session(sessionId);
    }

    /** Drops a live session as the platform does: it is gone, and a poll waiting on it is answered 404. */
    public boolean dropSession(String sessionId) {
        return sessions.drop(sessionId);
    }

    public long sessionsCreated() {
        return sessions.record().sessionsCreated();
    }

    public long sessionsDeleted() {
        return sessions.record().sessionsDeleted();
    }

    /** Sessions dropped for inactivity or by {@link #dropSession(String)}. */
    public long sessionsDropped() {
        return sessions.record().sessionsDropped();
    }

    /** {@code GET /events} answered 409 because another waited on the same session: a client bug, never expected. */
    public long concurrentPollViolations() {
        return sessions.record().concurrentPollViolations();
    }

    /** The streaming sessions and their counts: the same as {@code GET /simulator/sessions}. */
    public StreamingRecord streamingRecord() {
        return sessions.record();
    }

    private String openInteractionUser(String interactionId) {
        InteractionRecord interaction = record.interaction(interactionId)
                .orElseThrow(() -> new IllegalArgumentException("interactionId " + interactionId + " not found"));
        if (interaction.ended()) {
            throw new IllegalStateException("interactionId " + interactionId + " has ended");
        }
        return interaction.userId();
    }

    /** The messages accepted on an interaction, in order; empty for an unknown interaction. */
    public List<AcceptedMessage> accepted(String interactionId) {
        return record.interaction(interactionId).map(InteractionRecord::accepted).orElse(List.of());
    }

    public Optional<InteractionRecord> interaction(String interactionId) {
        return record.interaction(interactionId);
    }

    /** Messaging calls received and not answered yet (their injected latency included). */
    public int callsInFlight() {
        return record.callsInFlight();
    }

    /** Everything seen since start or the last {@link #clearRecord()}: the same as {@code GET /simulator/interactions}. */
    public SimulatorRecord record() {
        return new SimulatorRecord(record.interactions(), record.refusedCounts(), record.droppedCount(),
                record.droppedAfterAcceptCount(),
                tokens.issuedCount(), tokens.deadTokensRefusedCount(), sessions.record());
    }

    /**
     * Forgets the conversations (accepted and failed calls, customer messages) and counts (refused, dropped, tokens
     * issued and refused, the session counts); interactions, tokens, sessions and their pending events stay.
     */
    public void clearRecord() {
        record.clear();
        tokens.resetCounts();
        sessions.clearCounts();
    }

    /** Stops at once: open connections are closed, waiting and delayed requests are not answered. */
    @Override
    public void close() {
        server.stop(0);
        delays.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Alvaria simulator on port {} stopped", port());
    }

    @Override
    public String toString() {
        return "AlvariaSimulator[" + baseUrl() + ", " + settings + "]";
    }

    private static ThreadFactory threads(String namePrefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, namePrefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
