package io.github.camelalvaria.messaging;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A loopback messaging API that throttles like a platform, per organization: a call can open a window during which
 * every call of that organization is answered 429 with {@code Retry-After}; the rest are answered 202. Records the
 * accepted bodies, the refusals and when each call arrived.
 */
final class ThrottlingApi implements AutoCloseable {

    /** What one organization's calls get. */
    private static final class Org {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger peakInFlight = new AtomicInteger();
        final List<String> accepted = new CopyOnWriteArrayList<>();
        final List<Long> arrivals = new CopyOnWriteArrayList<>();
        volatile int windowAtCall = -1;
        volatile int windowSeconds;
        volatile int refuseFirst;
        volatile String refusalRetryAfter;
        volatile int refusalStatus = 429;
        volatile long windowEnds;
    }

    private final MockWebServer server = new MockWebServer();
    private final Map<String, Org> orgs = new ConcurrentHashMap<>();

    ThrottlingApi() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                // .../organizations/{org}/messaging/users/{user}/{operation}
                String[] path = request.getUrl().encodedPath().split("/");
                Org org = org(path[4]);
                int inFlight = org.inFlight.incrementAndGet();
                org.peakInFlight.accumulateAndGet(inFlight, Math::max);
                try {
                    org.arrivals.add(System.nanoTime());
                    int call = org.calls.incrementAndGet();
                    long now = System.nanoTime();
                    if (call == org.windowAtCall) {
                        org.windowEnds = now + org.windowSeconds * 1_000_000_000L;
                    }
                    if (call <= org.refuseFirst) {
                        return refuse(org, org.refusalRetryAfter);
                    }
                    if (org.windowEnds - now > 0) {
                        long left = (org.windowEnds - now + 999_999_999) / 1_000_000_000L;
                        return refuse(org, Long.toString(left));
                    }
                    org.accepted.add(request.getBody().utf8());
                    return new MockResponse.Builder().code(202).build();
                } finally {
                    org.inFlight.decrementAndGet();
                }
            }
        });
        server.start();
    }

    private static MockResponse refuse(Org org, String retryAfter) {
        org.refused.incrementAndGet();
        MockResponse.Builder answer = new MockResponse.Builder().code(org.refusalStatus)
                .setHeader("Content-Type", "application/json")
                .body("{\"code\":" + org.refusalStatus + ",\"message\":\"too many requests\"}");
        return retryAfter == null ? answer.build() : answer.setHeader("Retry-After", retryAfter).build();
    }

    private Org org(String orgId) {
        return orgs.computeIfAbsent(orgId, id -> new Org());
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** The {@code call}-th call of {@code orgId} (1 for the first) opens a window of {@code seconds} of 429s. */
    void windowAt(String orgId, int call, int seconds) {
        Org org = org(orgId);
        org.windowSeconds = seconds;
        org.windowAtCall = call;
    }

    /** The first {@code calls} calls of {@code orgId} are refused with this status and Retry-After (null: none). */
    void refuseFirst(String orgId, int calls, int status, String retryAfter) {
        Org org = org(orgId);
        org.refusalStatus = status;
        org.refusalRetryAfter = retryAfter;
        org.refuseFirst = calls;
    }

    int calls(String orgId) {
        return org(orgId).calls.get();
    }

    int refused(String orgId) {
        return org(orgId).refused.get();
    }

    List<String> accepted(String orgId) {
        return org(orgId).accepted;
    }

    /** When each call arrived, System.nanoTime. */
    List<Long> arrivals(String orgId) {
        return org(orgId).arrivals;
    }

    int peakInFlight(String orgId) {
        return org(orgId).peakInFlight.get();
    }

    @Override
    public void close() {
        server.close();
    }
}
