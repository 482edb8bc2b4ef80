package io.github.camelalvaria.messaging.client;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
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
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth 2.0 client-credentials tokens for one (token URL, client, organization, scope), shared by every endpoint that
 * uses them. A token is fetched once however many requests need it at the same moment, renewed shortly before it
 * expires, and dropped when the API refuses it.
 */
public final class ClientCredentialsTokenSource implements AccessTokenSource {

    /** What a token is valid for; the client secret is deliberately not part of it, so it never lands in a map key. */
    public record Key(String tokenUrl, String clientId, String orgId, String scope) {
    }

    /** Used when the token service leaves out {@code expires_in}: the platform's documented default lifetime. */
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(60);
    private static final Duration MAX_RENEWAL_MARGIN = Duration.ofSeconds(60);
    /** The operation name that failures of the token request carry. */
    public static final String OPERATION = "accessToken";
    private static final Logger LOG = LoggerFactory.getLogger(ClientCredentialsTokenSource.class);

    private final Key key;
    private final String clientSecret;
    private final String basicCredentials;
    private final RequestConfig requestConfig;
    private final FailureMapper failures;
    private final ObjectReader tokenReader;
    private final Clock clock;
    private final SingleFlight<CurrentToken> fetches = new SingleFlight<>();
    private final AtomicLong fetchCount = new AtomicLong();
    private final AtomicLong failedFetches = new AtomicLong();
    private volatile Outcome lastOutcome;

    private CurrentToken current;

    public ClientCredentialsTokenSource(
            Key key, String clientSecret, Duration requestTimeout, FailureMapper failures, ObjectReader tokenReader,
            Clock clock) {
        this.key = key;
        this.clientSecret = clientSecret;
        this.basicCredentials = "Basic " + Base64.getEncoder()
                .encodeToString((key.clientId() + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        this.requestConfig = RequestConfig.custom().setResponseTimeout(Timeout.of(requestTimeout)).build();
        this.failures = failures;
        this.tokenReader = tokenReader.forType(AccessTokenResponse.class);
        this.clock = clock;
    }

    @Override
    public CompletableFuture<String> token(CloseableHttpAsyncClient http) {
        synchronized (this) {
            if (current != null && clock.instant().isBefore(current.renewAt())) {
                return CompletableFuture.completedFuture(current.value());
            }
        }
        return fetches.get(() -> fetch(http).whenComplete((token, failure) -> {
            synchronized (this) {
                if (token != null) {
                    current = token;
                }
            }
            lastOutcome = failure == null ? Outcome.success() : Outcome.failure(failure);
            if (failure != null) {
                failedFetches.incrementAndGet();
            }
        })).thenApply(CurrentToken::value);
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
        String uri = key.tokenUrl() + (key.tokenUrl().contains("?") ? "&" : "?") + "realm=" + realm;
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
                    = failures.fromResponse(OPERATION, "POST", uri, response, clientSecret, basicCredentials);
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
        return new CurrentToken(body.accessToken(), requested.plus(lifetime).minus(margin));
    }

    private record CurrentToken(String value, Instant renewAt) {
        @Override
        public String toString() {
            return "CurrentToken[renewAt=" + renewAt + "]";
        }
    }
}
