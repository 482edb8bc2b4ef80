package io.github.camelalvaria.messaging.client;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectReader;
import io.github.camelalvaria.messaging.AlvariaMessagingException;
import io.github.camelalvaria.messaging.AlvariaRetryableException;
import io.github.camelalvaria.messaging.model.AccessTokenResponse;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth 2.0 client-credentials tokens for one grant (token URL, client, secret, organization, scope), shared by every
 * endpoint that uses it. A token is fetched once however many requests need it at the same moment, renewed ahead of
 * its expiry while it keeps serving, and dropped when the API refuses it.
 */
public final class ClientCredentialsTokenSource implements AccessTokenSource {

    /**
     * Every input of the grant. The secret is there only as its SHA-256 digest, so that a rotated secret gets a token
     * of its own while the secret itself never lands in a map key, a log line or {@link #toString()}.
     */
    public record Key(String tokenUrl, String clientId, String orgId, String scope, String secretDigest) {

        public static Key of(String tokenUrl, String clientId, String orgId, String scope, String clientSecret) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256")
                        .digest(clientSecret.getBytes(StandardCharsets.UTF_8));
                return new Key(tokenUrl, clientId, orgId, scope, HexFormat.of().formatHex(digest));
            } catch (NoSuchAlgorithmException everyJvmHasIt) {
                throw new IllegalStateException(everyJvmHasIt);
            }
        }

        @Override
        public String toString() {
            return "Key[tokenUrl=" + tokenUrl + ", clientId=" + clientId + ", orgId=" + orgId + ", scope=" + scope + "]";
        }
    }

    /** Used when the token service leaves out {@code expires_in}: the platform's documented default lifetime. */
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(60);
    private static final Duration MAX_RENEWAL_MARGIN = Duration.ofSeconds(60);
    /** After a renewal ahead of expiry failed, how long the current token serves before the next renewal is tried. */
    static final Duration RENEWAL_RETRY = Duration.ofSeconds(5);
    /** The operation name that failures of the token request carry. */
    public static final String OPERATION = "accessToken";
    private static final Logger LOG = LoggerFactory.getLogger(ClientCredentialsTokenSource.class);

    private final Key key;
    private final String tokenUrl;
    private final String[] secrets;
    private final String basicCredentials;
    private final RequestConfig requestConfig;
    private final FailureMapper failures;
    private final ObjectReader tokenReader;
    private final Clock clock;
    private final SingleFlight<CurrentToken> fetches = new SingleFlight<>();
    private final AtomicLong fetchCount = new AtomicLong();
    private final AtomicLong failedFetches = new AtomicLong();
    private volatile Outcome lastOutcome;

    // written under this; token() reads it without the lock while it is before its renewal time, the common case
    private volatile CurrentToken current;

    /**
     * @param requestConfig timeouts of the token request (the response and pool-lease timeouts of the endpoint)
     */
    public ClientCredentialsTokenSource(
            Key key, String clientSecret, RequestConfig requestConfig, FailureMapper failures,
            ObjectReader tokenReader, Clock clock) {
        this.key = key;
        this.tokenUrl = key.tokenUrl();
        // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined for HTTP Basic
        String encodedSecret = URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
        this.basicCredentials = "Basic " + Base64.getEncoder().encodeToString(
                (URLEncoder.encode(key.clientId(), StandardCharsets.UTF_8) + ":" + encodedSecret)
                        .getBytes(StandardCharsets.UTF_8));
        this.secrets = new String[] { clientSecret, encodedSecret, basicCredentials };
        this.requestConfig = requestConfig;
        this.failures = failures;
        this.tokenReader = tokenReader.forType(AccessTokenResponse.class);
        this.clock = clock;
    }

    /**
     * The current token while it lasts. From its renewal time on, a renewal is started in the background and the
     * current token keeps serving until it actually expires, so a token service that is down for a while costs
     * nothing while the token is still valid; only an expired (or refused) token makes callers wait for a new one.
     */
    @Override
    public CompletableFuture<String> token(CloseableHttpAsyncClient http) {
        CurrentToken fresh = current;
        if (fresh != null && clock.instant().isBefore(fresh.renewAt())) {
            return fresh.served();
        }
        CurrentToken valid;
        synchronized (this) {
            Instant now = clock.instant();
            if (current != null && now.isBefore(current.renewAt())) {
                return current.served();
            }
            valid = current != null && now.isBefore(current.expiresAt()) ? current : null;
            if (valid != null) {
                // until this renewal ends (or, failed, RENEWAL_RETRY later) nobody starts another
                current = valid.renewingUntil(min(now.plus(RENEWAL_RETRY), valid.expiresAt()));
            }
        }
        CompletableFuture<CurrentToken> renewal = fetches.get(() -> fetch(http).whenComplete((token, failure) -> {
            synchronized (this) {
                if (token != null) {
                    current = token;
                }
            }
            lastOutcome = failure == null ? Outcome.success() : Outcome.failure(failure);
            if (failure != null) {
                failedFetches.incrementAndGet();
            }
        }));
        return valid != null ? valid.served() : renewal.thenApply(CurrentToken::value);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    @Override
    public synchronized boolean reject(String token) {
        if (current != null && current.value().equals(token)) {
            current = null;
        }
        return true;
    }

    /** How many times a token was requested from the token service. */
    public long fetchCount() {
        return fetchCount.get();
    }

    /** How many of those requests failed (refused, unanswered or without a token). */
    public long failedFetchCount() {
        return failedFetches.get();
    }

    @Override
    public Optional<Outcome> lastOutcome() {
        return Optional.ofNullable(lastOutcome);
    }

    private CompletableFuture<CurrentToken> fetch(CloseableHttpAsyncClient http) {
        String realm = URLEncoder.encode(key.orgId(), StandardCharsets.UTF_8);
        String uri = tokenUrl + (tokenUrl.contains("?") ? "&" : "?") + "realm=" + realm;
        String form = "grant_type=client_credentials&realm=" + realm
                      + "&scope=" + URLEncoder.encode(key.scope(), StandardCharsets.UTF_8);
        SimpleHttpRequest request = SimpleRequestBuilder.post(uri)
                .setHeader(HttpHeaders.AUTHORIZATION, basicCredentials)
                .setHeader(HttpHeaders.ACCEPT, ContentType.APPLICATION_JSON.getMimeType())
                .setBody(form, ContentType.APPLICATION_FORM_URLENCODED)
                .build();
        request.setConfig(requestConfig);
        fetchCount.incrementAndGet();
        Instant requested = clock.instant();
        return AsyncHttp.execute(http, request).handle((response, failure) -> {
            if (failure != null) {
                throw new CompletionException(failures.fromTransport(OPERATION, "POST", uri, failure));
            }
            return readToken(uri, response, requested);
        });
    }

    private CurrentToken readToken(String uri, SimpleHttpResponse response, Instant requested) {
        int status = response.getCode();
        if (status < 200 || status > 299) {
            AlvariaMessagingException failure
                    = failures.fromResponse(OPERATION, "POST", uri, response, secrets);
            LOG.warn("The token service answered HTTP {} to client {} of {}", status, key.clientId(), key.orgId());
            throw new CompletionException(failure);
        }
        AccessTokenResponse body;
        try {
            body = tokenReader.readValue(response.getBodyBytes() == null ? new byte[0] : response.getBodyBytes());
        } catch (IOException unreadable) {
            body = null;
        }
        if (body == null || body.accessToken() == null || body.accessToken().isBlank()) {
            // a 2xx without a token is a broken gateway or service, worth trying again later
            throw new CompletionException(new AlvariaRetryableException(
                    OPERATION + " failed: HTTP " + status + " from POST " + uri + " carried no access_token",
                    OPERATION, uri, status, "No access token", Map.of(), null, null, null, null));
        }
        Duration lifetime = body.expiresIn() == null || body.expiresIn() <= 0
                ? DEFAULT_LIFETIME : Duration.ofSeconds(body.expiresIn());
        Duration margin = lifetime.dividedBy(10).compareTo(MAX_RENEWAL_MARGIN) < 0
                ? lifetime.dividedBy(10) : MAX_RENEWAL_MARGIN;
        LOG.debug("Fetched an access token for client {} of {}, valid {} s", key.clientId(), key.orgId(),
                  lifetime.toSeconds());
        Instant expiresAt = requested.plus(lifetime);
        return CurrentToken.of(body.accessToken(), expiresAt.minus(margin), expiresAt);
    }

    /**
     * A token, when to start renewing it, and when it is no longer valid; {@code served} is the token as the
     * completed future every caller gets while it serves, made once rather than once a call.
     */
    private record CurrentToken(String value, Instant renewAt, Instant expiresAt, CompletableFuture<String> served) {

        static CurrentToken of(String value, Instant renewAt, Instant expiresAt) {
            return new CurrentToken(value, renewAt, expiresAt, CompletableFuture.completedFuture(value));
        }

        CurrentToken renewingUntil(Instant nextRenewal) {
            return new CurrentToken(value, nextRenewal, expiresAt, served);
        }

        @Override
        public String toString() {
            return "CurrentToken[renewAt=" + renewAt + ", expiresAt=" + expiresAt + "]";
        }
    }
}
