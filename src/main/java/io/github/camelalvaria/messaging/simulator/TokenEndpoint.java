package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * {@code POST /tokenservice/oauth2/access_token?realm={orgId}}: the OAuth 2.0 client_credentials grant with HTTP Basic
 * client authentication, and the store of the tokens it issued.
 */
final class TokenEndpoint implements HttpHandler {

    static final String PATH = "/tokenservice/oauth2/access_token";
    static final String MESSAGING_SCOPE = "messagingapi";
    static final String STREAMING_SCOPE = "streamingapi";
    /** Beyond this many stored tokens, issuing one first forgets the expired ones. */
    private static final int PURGE_THRESHOLD = 1024;

    private final SimulatorSettings settings;
    private final Supplier<FaultDice> dice;
    private final Replies replies;
    private final byte[] expectedBasicCredentials;
    private final SecureRandom secureRandom = new SecureRandom();
    private final ConcurrentMap<String, IssuedToken> tokens = new ConcurrentHashMap<>();
    private final LongAdder issued = new LongAdder();
    private final LongAdder deadTokensRefused = new LongAdder();

    private record IssuedToken(long expiresAtNanos, Set<String> scopes) {
        boolean expired(long nowNanos) {
            return nowNanos - expiresAtNanos >= 0;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record OAuthError(String error, @JsonProperty("error_description") String errorDescription) {
    }

    record TokenResponse(
            @JsonProperty("access_token") String accessToken,
            String scope,
            @JsonProperty("token_type") String tokenType,
            @JsonProperty("expires_in") long expiresIn) {
    }

    TokenEndpoint(SimulatorSettings settings, Supplier<FaultDice> dice, Replies replies) {
        this.settings = settings;
        this.dice = dice;
        this.replies = replies;
        // RFC 6749 §2.3.1: id and secret travel form-urlencoded inside HTTP Basic
        this.expectedBasicCredentials = (URLEncoder.encode(settings.clientId(), StandardCharsets.UTF_8) + ":"
                                         + URLEncoder.encode(settings.clientSecret(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!PATH.equals(exchange.getRequestURI().getPath())) {
            replies.refuse(exchange, Refusal.noSuchResource());
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            replies.json(exchange, 405, new OAuthError("invalid_request", "only POST is allowed"));
            return;
        }
        FaultDice faults = dice.get();
        if (faults.tokenUnavailable()) {
            int retryAfter = faults.faults().unavailableRetryAfterSeconds();
            if (retryAfter > 0) {
                exchange.getResponseHeaders().set("Retry-After", Integer.toString(retryAfter));
            }
            replies.json(exchange, 503, new OAuthError("temporarily_unavailable", null));
            return;
        }
        if (!clientAuthenticated(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"tokenservice\"");
            replies.json(exchange, 401, new OAuthError("invalid_client", null));
            return;
        }
        Map<String, String> form = formOf(exchange);
        OAuthError problem = problemWith(form, exchange.getRequestURI().getRawQuery());
        if (problem != null) {
            replies.json(exchange, 400, problem);
            return;
        }
        String scope = form.getOrDefault("scope", "").isBlank() ? MESSAGING_SCOPE : form.get("scope").trim();
        String token = newToken();
        long lifetimeNanos = faults.tokenExpiresEarly() ? 0 : TimeUnit.SECONDS.toNanos(settings.tokenExpiresInSeconds());
        if (tokens.size() > PURGE_THRESHOLD) {
            long now = System.nanoTime();
            tokens.values().removeIf(issuedToken -> issuedToken.expired(now));
        }
        tokens.put(token, new IssuedToken(System.nanoTime() + lifetimeNanos, Set.of(scope.split("\\s+"))));
        issued.increment();
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Pragma", "no-cache");
        replies.json(exchange, 200, new TokenResponse(token, scope, "Bearer", settings.tokenExpiresInSeconds()));
    }

    /** The scopes of a live token, or null when the token is unknown or expired. */
    private Set<String> scopesOf(String token) {
        IssuedToken issuedToken = tokens.get(token);
        if (issuedToken == null) {
            return null;
        }
        if (issuedToken.expired(System.nanoTime())) {
            tokens.remove(token);
            return null;
        }
        return issuedToken.scopes();
    }

    /**
     * Checks a platform call's {@code Authorization: Bearer} token, which must be live and carry {@code scope}, and
     * its {@code x-api-key}: 401 without a body, with {@code WWW-Authenticate} when the token is at fault.
     */
    void authenticate(Headers headers, String scope) {
        String authorization = headers.getFirst("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw Refusal.unauthorized("bearer token missing", true);
        }
        Set<String> scopes = scopesOf(authorization.substring(7).trim());
        if (scopes == null) {
            deadTokensRefused.increment();
            throw Refusal.unauthorized("bearer token unknown or expired", true);
        }
        if (!scopes.contains(scope)) {
            throw Refusal.unauthorized("bearer token lacks scope " + scope, true);
        }
        String apiKey = headers.getFirst("x-api-key");
        if (apiKey == null) {
            throw Refusal.unauthorized("x-api-key missing", false);
        }
        if (!apiKey.equals(settings.apiKey())) {
            throw Refusal.unauthorized("x-api-key wrong", false);
        }
    }

    void expireAll() {
        tokens.clear();
    }

    long issuedCount() {
        return issued.sum();
    }

    long deadTokensRefusedCount() {
        return deadTokensRefused.sum();
    }

    void resetCounts() {
        issued.reset();
        deadTokensRefused.reset();
    }

    private boolean clientAuthenticated(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] credentials;
        try {
            credentials = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        boolean matches = MessageDigest.isEqual(credentials, expectedBasicCredentials);
        Arrays.fill(credentials, (byte) 0);
        return matches;
    }

    /** Why the token request is unusable, or null. The description names fields, never their values. */
    private OAuthError problemWith(Map<String, String> form, String rawQuery) {
        if (form == null) {
            return new OAuthError("invalid_request", "the body must be application/x-www-form-urlencoded");
        }
        String grantType = form.get("grant_type");
        if (grantType == null) {
            return new OAuthError("invalid_request", "grant_type is required");
        }
        if (!"client_credentials".equals(grantType)) {
            return new OAuthError("unsupported_grant_type", "only grant_type client_credentials is supported");
        }
        Map<String, String> query = rawQuery == null ? Map.of() : decode(rawQuery);
        if (query == null) {
            return new OAuthError("invalid_request", "the query is not url-encoded");
        }
        String queryRealm = query.get("realm");
        String formRealm = form.get("realm");
        if (queryRealm == null && formRealm == null) {
            return new OAuthError("invalid_request", "realm is required");
        }
        boolean realmKnown = (queryRealm == null || queryRealm.equals(settings.orgId()))
                && (formRealm == null || formRealm.equals(settings.orgId()));
        return realmKnown ? null : new OAuthError("invalid_request", "realm is not a known organization");
    }

    /** The form fields, or null when the body is not a url-encoded form. */
    private static Map<String, String> formOf(HttpExchange exchange) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        boolean form = contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
        return form ? decode(body) : null;
    }

    /** The fields of a url-encoded text (last one wins), or null when it does not decode. */
    private static Map<String, String> decode(String urlEncoded) {
        Map<String, String> fields = new HashMap<>();
        try {
            for (String pair : urlEncoded.split("&")) {
                if (!pair.isEmpty()) {
                    int equals = pair.indexOf('=');
                    String name = equals < 0 ? pair : pair.substring(0, equals);
                    String value = equals < 0 ? "" : pair.substring(equals + 1);
                    fields.put(URLDecoder.decode(name, StandardCharsets.UTF_8),
                            URLDecoder.decode(value, StandardCharsets.UTF_8));
                }
            }
        } catch (IllegalArgumentException badEscape) {
            return null;
        }
        return fields;
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        secureRandom.nextBytes(bytes);
        return AlvariaSimulator.TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
