package io.github.camelalvaria.messaging.simulator;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code POST /via/v2/organizations/{orgId}/messaging/users/{userId}/sendText | sendUrl | notification}.
 *
 * <p>Order of checks: path (404) and method (405); then the organization's {@link RateLimit} (429 with Retry-After);
 * then the injected fault, if any; then the bearer token and the
 * api key (401, empty body); the organization (404); headers and body (400, 422, see {@link MessageValidator});
 * with {@link SimulatorSettings#strictSessions()}, the streaming session (404 {@code sessionNotFound}); the user and
 * the interaction (404) and whether it has ended (410). Then the message is recorded and answered 202. A call that
 * is refused or dropped is kept as a {@link FailedCall} in the conversation its body names, if that one is known.
 */
final class MessagingEndpoint implements HttpHandler {

    static final String PREFIX = "/via/v2/organizations/";
    private static final Logger LOG = LoggerFactory.getLogger(AlvariaSimulator.class);

    private final SimulatorSettings settings;
    private final TokenEndpoint tokens;
    private final MessageValidator validator;
    private final MessagingRecord record;
    private final StreamingSessions sessions;
    private final Supplier<FaultDice> dice;
    private final Supplier<RateLimiter> rateLimiter;
    private final Replies replies;
    private final Executor workers;
    private final ScheduledExecutorService delays;

    /** A messaging path taken apart. */
    private record Route(String orgId, String userId, Operation operation) {
    }

    MessagingEndpoint(SimulatorSettings settings, TokenEndpoint tokens, MessageValidator validator,
            MessagingRecord record, StreamingSessions sessions, Supplier<FaultDice> dice,
            Supplier<RateLimiter> rateLimiter, Replies replies, Executor workers, ScheduledExecutorService delays) {
        this.settings = settings;
        this.tokens = tokens;
        this.validator = validator;
        this.record = record;
        this.sessions = sessions;
        this.dice = dice;
        this.rateLimiter = rateLimiter;
        this.replies = replies;
        this.workers = workers;
        this.delays = delays;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Route route = routeOf(exchange.getRequestURI().getPath());
        if (route == null) {
            refuse(exchange, Refusal.noSuchResource());
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            refuse(exchange, Refusal.methodNotAllowed(exchange.getRequestMethod(), "POST"));
            return;
        }
        long retryAfterSeconds = rateLimiter.get().take(route.orgId());
        if (retryAfterSeconds > 0) {
            record.callStarted();
            rateLimited(exchange, route, retryAfterSeconds);
            return;
        }
        FaultDice faults = dice.get();
        FaultDice.Decision decision = faults.forMessagingCall();
        FaultDice.Fate fate = decision.fate();
        boolean drops = fate == FaultDice.Fate.DROP_CONNECTION || fate == FaultDice.Fate.DROP_AFTER_ACCEPT;
        record.callStarted();
        if (decision.delayMillis() > 0 && !drops) {
            try {
                delays.schedule(() -> answerLater(exchange, route, fate, faults.faults()), decision.delayMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                record.callEnded();
                throw stopping;
            }
        } else if (answer(exchange, route, fate, faults.faults())) {
            // a drop-after-accept drops only a call it recorded; an invalid one was answered with its error
            record.countDropped(fate == FaultDice.Fate.DROP_AFTER_ACCEPT);
            LOG.debug("{} {} -> connection dropped", exchange.getRequestMethod(), exchange.getRequestURI().getPath());
            // thrown, the JDK server closes the connection and forgets it; exchange.close() before any response
            // would leave its bookkeeping (some 5 KB) behind until the server stops
            throw new IOException("connection dropped by fault injection");
        }
    }

    /** The delay thread only waits; the answer is worked out on a worker like any other. Drops are never delayed. */
    private void answerLater(HttpExchange exchange, Route route, FaultDice.Fate fate, Faults faults) {
        try {
            workers.execute(() -> answer(exchange, route, fate, faults));
        } catch (RejectedExecutionException stopping) {
            record.callEnded();
            exchange.close();
        }
    }

    /**
     * Answers the call, or returns true, without answering, when the connection is to be dropped instead; either way
     * the call is no longer in flight.
     */
    private boolean answer(HttpExchange exchange, Route route, FaultDice.Fate fate, Faults faults) {
        byte[] body = null;
        try {
            // read before any refusal, so that a refused call is kept in the conversation it names
            body = readBody(exchange.getRequestBody());
            switch (fate) {
                case TOO_MANY_REQUESTS -> throw Refusal.withHeader(
                        ErrorResponse.of(429, "request", "throttled", "too many requests"),
                        "Retry-After", Integer.toString(faults.tooManyRequestsRetryAfterSeconds()));
                case SERVER_ERROR -> throw Refusal.of(500, "request", "internal", "internal server error");
                case UNAVAILABLE -> throw unavailable(faults.unavailableRetryAfterSeconds());
                case DROP_CONNECTION -> {
                    keepFailed(route, body, null, "connection dropped");
                    return true;
                }
                default -> {
                    // ANSWER and DROP_AFTER_ACCEPT go through every check
                }
            }
            Headers headers = exchange.getRequestHeaders();
            tokens.authenticate(headers, TokenEndpoint.MESSAGING_SCOPE);
            if (!settings.orgId().equals(route.orgId())) {
                throw Refusal.notFound("path", "organization " + route.orgId() + " not found");
            }
            MessageRequest request = validator.validate(route.operation(), headers, body);
            if (settings.strictSessions() && !sessions.isLive(request.sessionId())) {
                throw Refusal.sessionNotFound();
            }
            record.accept(route.userId(), request);
            if (fate == FaultDice.Fate.DROP_AFTER_ACCEPT) {
                return true;
            }
            replies.empty(exchange, 202);
        } catch (Refusal refusal) {
            keepFailed(route, body, refusal.status, refusal.getMessage());
            refuse(exchange, refusal);
        } catch (IOException clientGone) {
            LOG.debug("messaging call ended without an answer: {}", clientGone.toString());
            exchange.close();
        } catch (RuntimeException bug) {
            LOG.warn("messaging call failed inside the simulator", bug);
            Refusal internal = Refusal.of(500, "request", "internal", "internal server error");
            keepFailed(route, body, internal.status, internal.getMessage());
            refuse(exchange, internal);
        } finally {
            record.callEnded();
        }
        return false;
    }

    /** Over the organization's limit: 429 with the seconds until a call would pass, kept as a failed call. */
    private void rateLimited(HttpExchange exchange, Route route, long retryAfterSeconds) {
        Refusal refusal = Refusal.withHeader(ErrorResponse.of(429, "request", "throttled", "rate limit exceeded"),
                "Retry-After", Long.toString(retryAfterSeconds));
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            keepFailed(route, body, refusal.status, refusal.getMessage());
            refuse(exchange, refusal);
        } catch (IOException clientGone) {
            exchange.close();
        } finally {
            record.callEnded();
        }
    }

    /** Keeps the call in the conversation its body names, if any; {@code status} null for a dropped connection. */
    /**
     * The whole body, read to its end also when it is over {@code maxRequestBytes} (then refused 413 naming both sizes,
     * as an answer rather than a connection cut while the client is still sending).
     */
    private byte[] readBody(InputStream in) throws IOException {
        int limit = settings.maxRequestBytes();
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
            if (size + read <= limit) {
                kept.write(buffer, 0, read);
            }
            size += read;
        }
        if (size > limit) {
            throw Refusal.of(413, "body", "tooLarge",
                             "request body of " + size + " bytes is over the limit of " + limit + " bytes");
        }
        return kept.toByteArray();
    }

    private void keepFailed(Route route, byte[] body, Integer status, String reason) {
        MessageValidator.Attempt attempt = body == null ? MessageValidator.Attempt.UNREADABLE
                : validator.attempted(route.operation(), body);
        record.fail(route.userId(), route.operation(), attempt, status, reason);
    }

    private static Refusal unavailable(int retryAfterSeconds) {
        ErrorResponse body = ErrorResponse.of(503, "request", "unavailable", "service unavailable");
        return retryAfterSeconds > 0
                ? Refusal.withHeader(body, "Retry-After", Integer.toString(retryAfterSeconds))
                : Refusal.of(body);
    }

    private void refuse(HttpExchange exchange, Refusal refusal) {
        record.countRefused(refusal.status);
        try {
            replies.refuse(exchange, refusal);
        } catch (IOException clientGone) {
            exchange.close();
        }
    }

    /** {orgId}/messaging/users/{userId}/{operation} after the prefix, or null for any other path. */
    private static Route routeOf(String path) {
        if (!path.startsWith(PREFIX)) {
            return null;
        }
        String[] segments = path.substring(PREFIX.length()).split("/", -1);
        if (segments.length != 5 || !"messaging".equals(segments[1]) || !"users".equals(segments[2])
                || segments[0].isEmpty() || segments[3].isEmpty()) {
            return null;
        }
        Operation operation = Operation.ofPathSegment(segments[4]);
        return operation == null ? null : new Route(segments[0], segments[3], operation);
    }
}
