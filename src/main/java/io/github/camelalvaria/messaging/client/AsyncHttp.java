package io.github.camelalvaria.messaging.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.async.methods.SimpleResponseConsumer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHeaders;

/**
 * The HTTP plumbing the API calls share: the request headers every call carries, and a bridge from HttpClient's
 * callback API to a future that completes on every path (answer, failure, cancellation).
 */
final class AsyncHttp {

    static final String API_KEY_HEADER = "x-api-key";
    static final String SESSION_HEADER = "via-client-sessionid";

    private AsyncHttp() {
    }

    /** An API request: JSON accepted, the bearer token, the api key, and the streaming session when there is one. */
    static SimpleHttpRequest apiRequest(
            SimpleRequestBuilder builder, String token, String apiKey, String sessionId, RequestConfig config) {
        builder.setHeader(HttpHeaders.ACCEPT, ContentType.APPLICATION_JSON.getMimeType())
                .setHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .setHeader(API_KEY_HEADER, apiKey);
        if (sessionId != null) {
            builder.setHeader(SESSION_HEADER, sessionId);
        }
        SimpleHttpRequest request = builder.build();
        request.setConfig(config);
        return request;
    }

    /** The failure a stage of a future saw, without the CompletionException that wraps it on the way. */
    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    static CompletableFuture<SimpleHttpResponse> execute(CloseableHttpAsyncClient client, SimpleHttpRequest request) {
        CompletableFuture<SimpleHttpResponse> result = new CompletableFuture<>();
        try {
            client.execute(SimpleRequestProducer.create(request), SimpleResponseConsumer.create(), null, null,
                           new FutureCallback<>() {
                               @Override
                               public void completed(SimpleHttpResponse response) {
                                   result.complete(response);
                               }

                               @Override
                               public void failed(Exception failure) {
                                   result.completeExceptionally(failure);
                               }

                               @Override
                               public void cancelled() {
                                   result.completeExceptionally(new CancellationException("request cancelled"));
                               }
                           });
        } catch (RuntimeException rejected) {
            // e.g. the client was already shut down: still a completed future, never a hang
            result.completeExceptionally(rejected);
        }
        return result;
    }
}
