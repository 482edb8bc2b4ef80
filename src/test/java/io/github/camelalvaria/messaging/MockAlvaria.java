package io.github.camelalvaria.messaging;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A loopback HTTP server standing in for the Alvaria token service and messaging API in the component's own tests:
 * answers are scripted per test, every request is recorded.
 */
final class MockAlvaria implements AutoCloseable {

    static final String ORG = "acme";
    static final String API_KEY = "api-key-5ecret-9f1";
    static final String CLIENT_ID = "integration-client";
    static final String CLIENT_SECRET = "client-5ecret-77ab";
    static final String TOKEN_PATH = "/tokenservice/oauth2/access_token";

    private final MockWebServer server = new MockWebServer();
    private final Queue<MockResponse> apiAnswers = new ConcurrentLinkedQueue<>();
    private final Queue<MockResponse> tokenAnswers = new ConcurrentLinkedQueue<>();
    private final List<RecordedRequest> apiRequests = new CopyOnWriteArrayList<>();
    private final List<RecordedRequest> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<Instant> apiReceivedAt = new CopyOnWriteArrayList<>();
    private final AtomicInteger issuedTokens = new AtomicInteger();
    private volatile long tokenLifetimeSeconds = 3599;
    private final Queue<MockResponse> sessionAnswers = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<MockResponse> pollAnswers = new LinkedBlockingQueue<>();
    private final List<RecordedRequest> sessionRequests = new CopyOnWriteArrayList<>();
    private final List<RecordedRequest> pollRequests = new CopyOnWriteArrayList<>();
    private final List<RecordedRequest> acknowledgements = new CopyOnWriteArrayList<>();
    private final AtomicInteger createdSessions = new AtomicInteger();
    private final Map<String, AtomicInteger> pollsInProgress = new ConcurrentHashMap<>();
    private final AtomicInteger concurrentPolls = new AtomicInteger();
    private final Map<String, BlockingQueue<MockResponse>> pollAnswersOf = new ConcurrentHashMap<>();
    /** Events every poll returns until they are acknowledged, as a session with requireAcknowledgement does. */
    private final Map<String, String> unacknowledged = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private volatile CountDownLatch pollGate = new CountDownLatch(0);
    private final AtomicInteger heldPolls = new AtomicInteger();

    MockAlvaria() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (request.getUrl().encodedPath().equals(TOKEN_PATH)) {
                    tokenRequests.add(request);
                    MockResponse scripted = tokenAnswers.poll();
                    return scripted != null ? scripted : tokenResponse("token-" + issuedTokens.incrementAndGet());
                }
                String path = request.getUrl().encodedPath();
                if (path.endsWith("/streaming/session")) {
                    sessionRequests.add(request);
                    MockResponse scripted = sessionAnswers.poll();
                    return scripted != null ? scripted
                            : "POST".equals(request.getMethod())
                                    ? json(201, "{\"sessionId\":\"managed-" + createdSessions.incrementAndGet()
                                                + "\",\"inactivityDelay\":120}")
                                    : new MockResponse.Builder().code(204).build();
                }
                if (path.endsWith("/streaming/events/acknowledge")) {
                    acknowledgements.add(request);
                    unacknowledged.keySet().removeIf(id -> request.getBody().utf8().contains("\"" + id + "\""));
                    return new MockResponse.Builder().code(204).build();
                }
                if (path.endsWith("/streaming/events")) {
                    return poll(request);
                }
                apiReceivedAt.add(Instant.now());
                apiRequests.add(request);
                MockResponse scripted = apiAnswers.poll();
                return scripted != null ? scripted : new MockResponse.Builder().code(202).build();
            }
        });
        server.start();
    }

    private MockResponse poll(RecordedRequest request) {
        String session = String.valueOf(request.getHeaders().get("via-client-sessionid"));
        AtomicInteger inProgress = pollsInProgress.computeIfAbsent(session, s -> new AtomicInteger());
        if (inProgress.incrementAndGet() > 1) {
            concurrentPolls.incrementAndGet();
        }
        pollRequests.add(request);
        try {
            CountDownLatch gate = pollGate;
            if (gate.getCount() > 0) {
                heldPolls.incrementAndGet();
                gate.await(10, TimeUnit.SECONDS);
                heldPolls.decrementAndGet();
            }
            if (!unacknowledged.isEmpty()) {
                unacknowledged.keySet().forEach(id -> deliveries.computeIfAbsent(id, i -> new AtomicInteger())
                        .incrementAndGet());
                return json(200, "{\"events\":[" + String.join(",", unacknowledged.values()) + "]}");
            }
            // a long poll: held until an answer is scripted, or answered empty after a short wait
            BlockingQueue<MockResponse> own = pollAnswersOf.get(session);
            MockResponse scripted = own != null ? own.poll() : null;
            if (scripted == null) {
                scripted = pollAnswers.poll(100, TimeUnit.MILLISECONDS);
            }
            return scripted != null ? scripted : json(200, "{\"events\":[]}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return json(200, "{\"events\":[]}");
        } finally {
            inProgress.decrementAndGet();
        }
    }

    MockResponse tokenResponse(String token) {
        return json(200, "{\"access_token\":\"" + token + "\",\"scope\":\"messagingapi\",\"token_type\":\"Bearer\","
                         + "\"expires_in\":" + tokenLifetimeSeconds + "}");
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
    }

    /** The next API calls get these answers, then 202 again. */
    void answerApi(MockResponse... answers) {
        apiAnswers.addAll(List.of(answers));
    }

    void answerToken(MockResponse... answers) {
        tokenAnswers.addAll(List.of(answers));
    }

    void answerSession(MockResponse... answers) {
        sessionAnswers.addAll(List.of(answers));
    }

    void answerPoll(MockResponse... answers) {
        pollAnswers.addAll(List.of(answers));
    }

    /** The next polls of this session get these answers (before the answers for any session). */
    void answerPollOf(String sessionId, MockResponse... answers) {
        pollAnswersOf.computeIfAbsent(sessionId, s -> new LinkedBlockingQueue<>()).addAll(List.of(answers));
    }

    /** Every poll returns this event (it has an eventId) until an acknowledgement names it. */
    void deliverUntilAcknowledged(String eventId, String eventJson) {
        unacknowledged.put(eventId, eventJson);
    }

    /** How many polls returned this event (of {@link #deliverUntilAcknowledged}). */
    int deliveries(String eventId) {
        AtomicInteger count = deliveries.get(eventId);
        return count == null ? 0 : count.get();
    }

    /** Polls that arrive from now on are held (at most 10 s) until {@link #releasePolls()}. */
    void holdPolls() {
        pollGate = new CountDownLatch(1);
    }

    void releasePolls() {
        pollGate.countDown();
    }

    /** How many polls wait for {@link #releasePolls()}. */
    int heldPolls() {
        return heldPolls.get();
    }

    /** POSTs and DELETEs of the streaming session, in order. */
    List<RecordedRequest> sessionRequests() {
        return sessionRequests;
    }

    List<RecordedRequest> pollRequests() {
        return pollRequests;
    }

    List<RecordedRequest> acknowledgements() {
        return acknowledgements;
    }

    /** How often a poll arrived while another of the same session was in progress: must stay 0. */
    int concurrentPolls() {
        return concurrentPolls.get();
    }

    void tokenLifetimeSeconds(long seconds) {
        this.tokenLifetimeSeconds = seconds;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getPort();
    }

    String tokenUrl() {
        return baseUrl() + TOKEN_PATH;
    }

    List<RecordedRequest> apiRequests() {
        return apiRequests;
    }

    /** When each API request arrived, in order. */
    List<Instant> receivedAt() {
        return apiReceivedAt;
    }

    List<RecordedRequest> tokenRequests() {
        return tokenRequests;
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
