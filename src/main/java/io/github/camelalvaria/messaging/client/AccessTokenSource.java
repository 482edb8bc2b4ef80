package io.github.camelalvaria.messaging.client;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;

/** Where the bearer token of a messaging call comes from. */
public interface AccessTokenSource {

    /**
     * A token that is valid now. The future may be one that other callers get too: read it, never complete it.
     *
     * @param http the caller's client, used when a token has to be fetched (so a proxy or TLS setting applies to it)
     */
    CompletableFuture<String> token(CloseableHttpAsyncClient http);

    /**
     * The API refused {@code token} with 401: forget it if it is still the current one.
     *
     * @return whether asking {@link #token} again can give a different token
     */
    boolean reject(String token);

    /** How the last token request ended; empty when nothing was ever requested (or nothing needs requesting). */
    default Optional<Outcome> lastOutcome() {
        return Optional.empty();
    }
}
