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

    @Override
    public String toString() {
        return "FixedAccessToken[xxxxxx]";
    }
}
