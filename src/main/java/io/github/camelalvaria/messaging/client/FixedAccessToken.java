package io.github.camelalvaria.messaging.client;

import java.util.concurrent.CompletableFuture;

import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;

/** A token configured by the user ({@code accessToken}): nothing to fetch, nothing to renew. */
public final class FixedAccessToken implements AccessTokenSource {

    private final CompletableFuture<String> token;

    public FixedAccessToken(String token) {
        this.token = CompletableFuture.completedFuture(token);
    }

    @Override
    public CompletableFuture<String> token(CloseableHttpAsyncClient http) {
        return token;
    }

    @Override
    public boolean reject(String token) {
        return false;
    }

    /** Equal tokens are one identity: endpoints with the same token share one streaming session. */
    @Override
    public boolean equals(Object other) {
        return other instanceof FixedAccessToken fixed && fixed.token.join().equals(token.join());
    }

    @Override
    public int hashCode() {
        return token.join().hashCode();
    }

    @Override
    public String toString() {
        return "FixedAccessToken[xxxxxx]";
    }
}
