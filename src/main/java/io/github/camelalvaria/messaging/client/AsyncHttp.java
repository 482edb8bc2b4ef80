package io.github.camelalvaria.messaging.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.async.methods.SimpleResponseConsumer;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.concurrent.FutureCallback;

/**
 * The HTTP plumbing the API calls share: a bridge from HttpClient's callback API to a future that completes on every
 * path (answer, failure, cancellation). The headers every call carries are {@link ApiHeaders}.
 */
final class AsyncHttp {

    private AsyncHttp() {
    }

    /** The failure a stage of a future saw, without the CompletionException that wraps it on the way. */
    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    static CompletableFuture<SimpleHttpResponse> execute(CloseableHttpAsyncClient client, SimpleHttpRequest request) {
        CompletableFuture<SimpleHttpResponse> result = new CompletableFuture<>();
        execute(client, request, new FutureCallback<>() {
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
        return result;
    }

    /** Sends the request; the callback hears of its outcome exactly once, a refusal to send included. */
    static void execute(CloseableHttpAsyncClient client, SimpleHttpRequest request,
                        FutureCallback<SimpleHttpResponse> callback) {
        try {
            client.execute(SimpleRequestProducer.create(request), SimpleResponseConsumer.create(), null, null,
                           callback);
        } catch (RuntimeException rejected) {
            // e.g. the client was already shut down: still an outcome, never a hang
            callback.failed(rejected);
        }
    }
}
