package io.github.camelalvaria.messaging.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.async.methods.SimpleResponseConsumer;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;

import io.github.camelalvaria.messaging.client.HttpClientSettings;

/**
 * Which HTTP client the component builds on: Apache HttpClient 5 async against the JDK's java.net.http client, the
 * same sendText POST with the same headers, against {@link LoopbackServer}. Prints requests/s per client and window,
 * median of the rounds. Run: see README ("Why Apache HttpClient 5").
 */
public final class HttpClientComparison {

    static final byte[] BODY = ("{\"interactionId\":\"4321\",\"entityName\":\"bench\",\"entityType\":\"Agent\","
                                        + "\"text\":\"Hello from the benchmark\"}").getBytes(StandardCharsets.UTF_8);
    static final String PATH = "/via/v2/organizations/bench/messaging/users/agent-1/sendText";

    private HttpClientComparison() {
    }

    public static void main(String[] args) throws Exception {
        int requests = Integer.getInteger("requests", 20_000);
        int rounds = Integer.getInteger("rounds", 3);
        try (LoopbackServer server = new LoopbackServer(1)) {
            String uri = server.baseUrl() + PATH;
            CloseableHttpAsyncClient apache = new HttpClientSettings(Duration.ofSeconds(5), 256, null, null, null)
                    .start(null);
            ExecutorService jdkExecutor = Executors.newFixedThreadPool(2);
            HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(jdkExecutor).build();
            System.out.printf("%-28s %8s %12s%n", "client", "window", "requests/s");
            for (int window : new int[] { 1, 16, 256 }) {
                report("Apache HttpClient 5 async", window,
                       rounds, requests, () -> apacheSend(apache, uri));
                report("JDK java.net.http", window, rounds, requests, () -> jdkSend(jdk, uri));
            }
            apache.close();
            jdkExecutor.shutdownNow();
        }
    }

    private static void report(String name, int window, int rounds, int requests,
                               Supplier<CompletableFuture<Integer>> send) throws InterruptedException {
        run(window, requests / 4, send); // warm-up
        List<Double> rates = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            rates.add(run(window, requests, send));
        }
        rates.sort(Double::compare);
        System.out.printf("%-28s %8d %12.0f%n", name, window, rates.get(rates.size() / 2));
    }

    private static double run(int window, int requests, Supplier<CompletableFuture<Integer>> send)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(window);
        long started = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            inFlight.acquire();
            send.get().whenComplete((status, failure) -> {
                if (failure != null || status != 202) {
                    System.err.println("benchmark request failed: " + status + " " + failure);
                    System.exit(1);
                }
                inFlight.release();
            });
        }
        inFlight.acquire(window);
        return requests / ((System.nanoTime() - started) / 1e9);
    }

    static CompletableFuture<Integer> apacheSend(CloseableHttpAsyncClient client, String uri) {
        SimpleHttpRequest request = SimpleRequestBuilder.post(uri)
                .setHeader("Authorization", "Bearer bench-token").setHeader("x-api-key", "bench")
                .setHeader("via-client-sessionid", "bench").setHeader("Accept", "application/json")
                .setBody(BODY, ContentType.APPLICATION_JSON).build();
        CompletableFuture<Integer> status = new CompletableFuture<>();
        client.execute(SimpleRequestProducer.create(request), SimpleResponseConsumer.create(),
                       new FutureCallback<SimpleHttpResponse>() {
                           @Override
                           public void completed(SimpleHttpResponse response) {
                               status.complete(response.getCode());
                           }

                           @Override
                           public void failed(Exception ex) {
                               status.completeExceptionally(ex);
                           }

                           @Override
                           public void cancelled() {
                               status.cancel(false);
                           }
                       });
        return status;
    }

    private static CompletableFuture<Integer> jdkSend(HttpClient client, String uri) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri))
                .header("Authorization", "Bearer bench-token").header("x-api-key", "bench")
                .header("via-client-sessionid", "bench").header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
    }
}
