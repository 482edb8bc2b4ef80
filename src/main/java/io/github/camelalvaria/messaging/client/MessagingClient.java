package io.github.camelalvaria.messaging.client;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.github.camelalvaria.messaging.AlvariaMessagingException;
import io.github.camelalvaria.messaging.AlvariaOperation;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.http.ContentType;
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

    /** Where a call for one user and operation goes. */
    private record Target(String userId, AlvariaOperation operation, String uri, URI parsed) {
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
        Target target = target(call.userId(), call.operation());
        long started = System.nanoTime();
        // a future of our own, so that callers see the typed exception itself rather than a CompletionException
        CompletableFuture<Integer> result = new CompletableFuture<>();
        boolean managed = call.sessionId() == null;
        CompletableFuture<String> session = managed ? managedSession.id()
                : CompletableFuture.completedFuture(call.sessionId());
        // the rate-limit gate: wait for it before the attempt, once the session and token are at hand (so
        // that its pace is the pace of the calls, not of the sends waiting for a token), and leave it with the
        // outcome, which closes it on a 429 or a 503 with Retry-After; a send that never entered does not leave
        CompletableFuture<Void> admitted = session.thenCompose(sessionId -> tokens.token(http))
                .thenCompose(token -> gate.enter(call.operation().name(), target.uri()));
        admitted.thenCompose(open -> session)
                .thenCompose(sessionId -> attempt(call, target, json, sessionId, true, managed))
                .whenComplete((status, failure) -> {
                    if (!admitted.isCompletedExceptionally()) {
                        gate.left(AsyncHttp.unwrap(failure));
                    }
                    if (LOG.isDebugEnabled()) {
                        LOG.debug("{} interaction={} user={} -> {} in {} ms", call.operation(),
                                  call.body().interactionId(), call.userId(),
                                  status != null ? status : describe(failure),
                                  (System.nanoTime() - started) / 1_000_000);
                    }
                    if (failure != null) {
                        result.completeExceptionally(AsyncHttp.unwrap(failure));
                    } else {
                        result.complete(status);
                    }
                });
        return result;
    }

    private Target target(String userId, AlvariaOperation operation) {
        Target last = lastTarget;
        if (last == null || last.operation() != operation || !last.userId().equals(userId)) {
            String uri = usersUrl + PathSegment.encode(userId) + "/" + operation.name();
            last = new Target(userId, operation, uri, URI.create(uri));
            lastTarget = last;
        }
        return last;
    }

    private CompletableFuture<Integer> attempt(
            MessagingCall call, Target target, byte[] json, String sessionId, boolean mayRenewToken,
            boolean mayRecreateSession) {
        String operation = call.operation().name();
        String uri = target.uri();
        return tokens.token(http).thenCompose(token -> AsyncHttp.execute(http, headers.request(
                        SimpleRequestBuilder.post(target.parsed()).setBody(json, ContentType.APPLICATION_JSON), token,
                        sessionId, requestConfig))
                .handle((response, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(
                                failures.fromTransport(operation, "POST", uri, AsyncHttp.unwrap(failure)));
                    }
                    return response;
                })
                .thenCompose(response -> {
                    int status = response.getCode();
                    if (status >= 200 && status <= 299) {
                        return CompletableFuture.completedFuture(status);
                    }
                    AlvariaMessagingException failure
                            = failures.fromResponse(operation, "POST", uri, response, apiKey, token);
                    // only a session known to be gone is re-created: a 410 for an ended interaction is the message's
                    if (mayRecreateSession && managedSession.isGone(sessionId, failure)) {
                        managedSession.dropped(sessionId);
                        return managedSession.id().thenCompose(
                                newSession -> attempt(call, target, json, newSession, mayRenewToken, false));
                    }
                    if (status == 401 && mayRenewToken && tokens.reject(token)) {
                        return attempt(call, target, json, sessionId, false, mayRecreateSession);
                    }
                    return CompletableFuture.failedFuture(failure);
                }));
    }

    private static String describe(Throwable failure) {
        Throwable cause = AsyncHttp.unwrap(failure);
        return cause instanceof AlvariaMessagingException e && e.getStatusCode() > 0
                ? String.valueOf(e.getStatusCode()) : cause.getClass().getSimpleName();
    }
}
