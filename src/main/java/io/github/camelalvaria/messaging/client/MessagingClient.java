package io.github.camelalvaria.messaging.client;

import java.net.URI;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.github.camelalvaria.messaging.AlvariaMessagingException;
import io.github.camelalvaria.messaging.AlvariaOperation;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.net.URIAuthority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the three messaging calls of one organization. Asynchronous throughout: no thread waits while a request is in
 * flight, and every returned future completes, with the status code or an {@link AlvariaMessagingException}.
 */
public final class MessagingClient {

    private static final Logger LOG = LoggerFactory.getLogger(MessagingClient.class);

    private final CloseableHttpAsyncClient http;
    private final AccessTokenSource tokens;
    private final String usersUrl;
    private final String apiKey;
    private final ApiHeaders headers;
    private final RequestConfig requestConfig;
    private final ObjectWriter writer;
    private final FailureMapper failures;
    private final StreamingSession managedSession;
    private final RateLimitGate.Entrance gate;
    // the last call's address: an endpoint posts for one user and operation, so the URI is built and parsed once
    private volatile Target lastTarget;

    /** Where a call for one user and operation goes: the URI, and its parts as a request takes them. */
    private record Target(String userId, AlvariaOperation operation, String uri, String scheme, URIAuthority authority,
                          String path) {

        static Target of(String userId, AlvariaOperation operation, String uri) {
            URI parsed = URI.create(uri);
            return new Target(userId, operation, uri, parsed.getScheme(),
                              new URIAuthority(parsed.getRawUserInfo(), parsed.getHost(), parsed.getPort()),
                              parsed.getRawQuery() == null ? parsed.getRawPath()
                                      : parsed.getRawPath() + "?" + parsed.getRawQuery());
        }
    }

    /**
     * @param organizationUrl the base URL with the organization's path, e.g.
     *                        {@code https://acme.via.aspect-cloud.net/via/v2/organizations/acme}
     * @param requestConfig   the timeouts of every call (response, pool lease)
     * @param managedSession  the session for calls that name none; {@code null} when every call names its own
     * @param gate            the tenant's rate-limit gate, {@link RateLimitGate.Entrance#NONE} for none
     */
    public MessagingClient(
            CloseableHttpAsyncClient http, AccessTokenSource tokens, String organizationUrl, String apiKey,
            RequestConfig requestConfig, ObjectWriter writer, FailureMapper failures, StreamingSession managedSession,
            RateLimitGate.Entrance gate) {
        this.http = http;
        this.tokens = tokens;
        this.usersUrl = organizationUrl + "/messaging/users/";
        this.apiKey = apiKey;
        this.headers = new ApiHeaders(apiKey);
        this.requestConfig = requestConfig;
        this.writer = writer;
        this.failures = failures;
        this.managedSession = managedSession;
        this.gate = gate;
    }

    /**
     * Sends the call; on 401 the token is renewed once (when it can be) and the call sent again; when the managed
     * session turns out to be gone, it is created again and the call sent once more. The future fails with an
     * {@link AlvariaMessagingException}.
     */
    public CompletableFuture<Integer> send(MessagingCall call) {
        byte[] json;
        try {
            json = writer.writeValueAsBytes(call.body());
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        Send send = new Send(call, target(call.userId(), call.operation()), json);
        send.start();
        return send;
    }

    private Target target(String userId, AlvariaOperation operation) {
        Target last = lastTarget;
        if (last == null || last.operation() != operation || !last.userId().equals(userId)) {
            String uri = usersUrl + PathSegment.encode(userId) + "/" + operation.name();
            last = Target.of(userId, operation, uri);
            lastTarget = last;
        }
        return last;
    }

    /**
     * One call on its way, and the future its caller gets: the session, the token, the rate-limit gate, then one
     * attempt or more. A step whose future is already complete (a valid token, an open gate) goes on at once, and
     * the HTTP answer comes straight to this object, so a message costs no chain of futures.
     */
    private final class Send extends CompletableFuture<Integer> implements FutureCallback<SimpleHttpResponse> {

        private final MessagingCall call;
        private final Target target;
        private final byte[] json;
        private final long started = System.nanoTime();
        // each step runs after the one before it (on whichever thread completed that one), never two at once
        private String sessionId;
        private String token;
        private boolean mayRenewToken = true;
        private boolean mayRecreateSession;
        private boolean entered;
        private boolean finished;

        Send(MessagingCall call, Target target, byte[] json) {
            this.call = call;
            this.target = target;
            this.json = json;
        }

        void start() {
            if (call.sessionId() == null) {
                mayRecreateSession = true;
                continueWith(managedSession.id(), this::inSession);
            } else {
                inSession(call.sessionId());
            }
        }

        /**
         * The rate-limit gate: entered once the session and token are at hand (so that its pace is the pace of the
         * calls, not of the sends waiting for a token), and left with the outcome, which closes it on a 429 or a 503
         * with Retry-After; a send that never entered does not leave.
         */
        private void inSession(String sessionId) {
            this.sessionId = sessionId;
            continueWith(tokens.token(http), token -> continueWith(gate.enter(call.operation().name(), target.uri()),
                                                                   this::admitted));
        }

        private void admitted(Void open) {
            entered = true;
            attempt();
        }

        private void attempt() {
            continueWith(tokens.token(http), token -> {
                this.token = token;
                SimpleHttpRequest request = SimpleHttpRequest.create(
                        Method.POST.name(), target.scheme(), target.authority(), target.path());
                request.setBody(json, ContentType.APPLICATION_JSON);
                AsyncHttp.execute(http, headers.request(request, token, sessionId, requestConfig), this);
            });
        }

        @Override
        public void completed(SimpleHttpResponse response) {
            try {
                answered(response);
            } catch (RuntimeException bug) {
                finish(null, bug);
            }
        }

        private void answered(SimpleHttpResponse response) {
            int status = response.getCode();
            if (status >= 200 && status <= 299) {
                finish(status, null);
                return;
            }
            AlvariaMessagingException failure
                    = failures.fromResponse(call.operation().name(), "POST", target.uri(), response, apiKey, token);
            // only a session known to be gone is re-created: a 410 for an ended interaction is the message's
            if (mayRecreateSession && managedSession.isGone(sessionId, failure)) {
                managedSession.dropped(sessionId);
                mayRecreateSession = false;
                continueWith(managedSession.id(), newSession -> {
                    sessionId = newSession;
                    attempt();
                });
            } else if (status == 401 && mayRenewToken && tokens.reject(token)) {
                mayRenewToken = false;
                attempt();
            } else {
                finish(null, failure);
            }
        }

        @Override
        public void failed(Exception failure) {
            finish(null, failures.fromTransport(call.operation().name(), "POST", target.uri(), failure));
        }

        @Override
        public void cancelled() {
            failed(new CancellationException("request cancelled"));
        }

        /** Goes on with the future's value at once when it is there, else when it comes; a failure ends the send. */
        private <T> void continueWith(CompletableFuture<T> future, Consumer<T> next) {
            if (future.isDone() && !future.isCompletedExceptionally()) {
                proceed(next, future.join());
            } else {
                future.whenComplete((value, failure) -> {
                    if (failure != null) {
                        finish(null, failure);
                    } else {
                        proceed(next, value);
                    }
                });
            }
        }

        private <T> void proceed(Consumer<T> next, T value) {
            try {
                next.accept(value);
            } catch (RuntimeException bug) {
                finish(null, bug);
            }
        }

        /** Ends the send once: leaves the gate if it entered, logs the call, completes the caller's future. */
        private void finish(Integer status, Throwable failure) {
            if (finished) {
                return;
            }
            finished = true;
            Throwable cause = failure == null ? null : AsyncHttp.unwrap(failure);
            try {
                if (entered) {
                    gate.left(cause);
                }
                if (LOG.isDebugEnabled()) {
                    LOG.debug("{} interaction={} user={} -> {} in {} ms", call.operation(),
                              call.body().interactionId(), call.userId(), status != null ? status : describe(cause),
                              (System.nanoTime() - started) / 1_000_000);
                }
            } finally {
                if (cause != null) {
                    completeExceptionally(cause);
                } else {
                    complete(status);
                }
            }
        }
    }

    private static String describe(Throwable cause) {
        return cause instanceof AlvariaMessagingException e && e.getStatusCode() > 0
                ? String.valueOf(e.getStatusCode()) : cause.getClass().getSimpleName();
    }
}
