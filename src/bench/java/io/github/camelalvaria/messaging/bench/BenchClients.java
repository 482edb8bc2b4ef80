package io.github.camelalvaria.messaging.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelalvaria.messaging.AlvariaMessagingComponent;
import io.github.camelalvaria.messaging.AlvariaMessagingConfiguration;
import io.github.camelalvaria.messaging.client.HttpClientSettings;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.Service;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;

/**
 * The ways of sending the same sendText POST that the benchmark compares, all against one server: the raw Apache
 * HttpClient 5 async client with a prebuilt request (the floor), a route {@code direct -> alvaria-messaging:sendText},
 * the component's producer without a route, and a route {@code direct -> http:} with the JSON and headers set by hand
 * (what a user would write instead).
 */
final class BenchClients implements AutoCloseable {

    static final String TEXT = "Hello from the benchmark";
    static final Duration BLOCKING_STEP = Duration.ofMillis(1);

    final CamelContext camel;
    final AlvariaMessagingComponent alvaria;
    private final CloseableHttpAsyncClient raw;
    private final String rawUri;
    private final AsyncProducer component;
    private final AsyncProducer producerWithoutRoute;
    private final Producer http;
    private final AsyncProducer blockingStep;
    private final AsyncProducer blockingStepOnThreads;
    /** How many of the blocking steps ran on an HTTP client I/O thread. */
    final AtomicInteger blockingStepsOnIoThreads = new AtomicInteger();

    BenchClients(String baseUrl, int maxConnectionsPerHost, String sessionId) throws Exception {
        this(baseUrl, maxConnectionsPerHost, sessionId, true);
    }

    /**
     * @param sessionId   {@code null} for a managed streaming session (the component creates one)
     * @param comparisons whether to build the raw client and the http: and blocking-step routes too; without them the
     *                    JVM holds only what a user's {@code direct -> alvaria-messaging} route needs
     */
    BenchClients(String baseUrl, int maxConnectionsPerHost, String sessionId, boolean comparisons) throws Exception {
        camel = new DefaultCamelContext();
        alvaria = new AlvariaMessagingComponent();
        AlvariaMessagingConfiguration config = alvaria.getConfiguration();
        config.setOrgId("bench");
        config.setApiKey("bench-api-key");
        config.setClientId("bench-client");
        config.setClientSecret("bench-secret");
        config.setTokenUrl(baseUrl + LoopbackServer.TOKEN_PATH);
        config.setBaseUrl(baseUrl);
        config.setUserId("agent-1");
        config.setSessionId(sessionId);
        config.setInteractionId("4321");
        config.setEntityName("bench");
        config.setEntityType("Agent");
        config.setMaxConnectionsPerHost(maxConnectionsPerHost);
        camel.addComponent("alvaria-messaging", alvaria);
        // what a user sending 256 at a time would configure: camel-http's default pool is 20 per host
        HttpComponent httpComponent = camel.getComponent("http", HttpComponent.class);
        httpComponent.setConnectionsPerRoute(maxConnectionsPerHost);
        httpComponent.setMaxTotalConnections(maxConnectionsPerHost * 2);
        ObjectMapper mapper = new ObjectMapper();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // failures are counted by the benchmark; a line for each of thousands would drown its output
                errorHandler(defaultErrorHandler().logExhausted(false));
                from("direct:alvaria").to("alvaria-messaging:sendText");
                if (!comparisons) {
                    return;
                }
                from("direct:http")
                        .process(exchange -> {
                            var message = exchange.getMessage();
                            message.setBody(mapper.writeValueAsBytes(Map.of(
                                    "interactionId", "4321", "entityName", "bench", "entityType", "Agent",
                                    "text", message.getBody(String.class))));
                            message.setHeader("Authorization", "Bearer bench-token");
                            message.setHeader("x-api-key", "bench-api-key");
                            message.setHeader("via-client-sessionid", "bench-session");
                            message.setHeader("Content-Type", "application/json");
                            message.setHeader("Accept", "application/json");
                        })
                        .to(baseUrl + HttpClientComparison.PATH + "?httpMethod=POST");
                from("direct:alvaria-blocking").to("alvaria-messaging:sendText").process(exchange -> blockingStep());
                from("direct:alvaria-threads").to("alvaria-messaging:sendText")
                        .threads(16, 16).process(exchange -> blockingStep());
            }
        });
        camel.start();
        component = camel.getEndpoint("direct:alvaria").createAsyncProducer();
        component.start();
        rawUri = baseUrl + HttpClientComparison.PATH;
        if (!comparisons) {
            http = null;
            blockingStep = null;
            blockingStepOnThreads = null;
            producerWithoutRoute = null;
            raw = null;
            return;
        }
        http = camel.getEndpoint("direct:http").createProducer();
        blockingStep = camel.getEndpoint("direct:alvaria-blocking").createAsyncProducer();
        blockingStepOnThreads = camel.getEndpoint("direct:alvaria-threads").createAsyncProducer();
        producerWithoutRoute = camel.getEndpoint("alvaria-messaging:sendText").createAsyncProducer();
        for (Service producer : List.of(http, blockingStep, blockingStepOnThreads, producerWithoutRoute)) {
            producer.start();
        }
        raw = new HttpClientSettings(Duration.ofSeconds(10), maxConnectionsPerHost, null, null, null).start(null);
    }

    /** A short blocking step after the call, say a database insert. */
    private void blockingStep() {
        if (Thread.currentThread().getName().startsWith("httpclient-dispatch")) {
            blockingStepsOnIoThreads.incrementAndGet();
        }
        LockSupport.parkNanos(BLOCKING_STEP.toNanos());
    }

    CompletableFuture<?> raw() {
        return HttpClientComparison.apacheSend(raw, rawUri).thenAccept(status -> {
            if (status != 202) {
                throw new IllegalStateException("raw client: HTTP " + status);
            }
        });
    }

    CompletableFuture<?> component() {
        return send(component);
    }

    /** The component's producer alone, as a route would call it but without the route's unit of work and error handler. */
    CompletableFuture<?> producerWithoutRoute() {
        return send(producerWithoutRoute);
    }

    CompletableFuture<?> blockingStep(boolean onThreads) {
        return send(onThreads ? blockingStepOnThreads : blockingStep);
    }

    /** camel-http's producer blocks the calling thread: each call runs on one of the caller's threads. */
    CompletableFuture<?> http(ExecutorService callers) {
        return CompletableFuture.runAsync(this::httpOnThisThread, callers);
    }

    void httpOnThisThread() {
        Exchange exchange = http.getEndpoint().createExchange();
        exchange.getMessage().setBody(TEXT);
        try {
            http.process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        check("http", exchange);
    }

    private static CompletableFuture<?> send(AsyncProducer producer) {
        Exchange exchange = producer.getEndpoint().createExchange();
        exchange.getMessage().setBody(TEXT);
        return producer.processAsync(exchange).thenAccept(done -> check("alvaria-messaging", done));
    }

    private static void check(String client, Exchange exchange) {
        if (exchange.getException() != null) {
            throw new IllegalStateException(client + " failed", exchange.getException());
        }
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null || status != 202) {
            throw new IllegalStateException(client + ": HTTP " + status);
        }
    }

    @Override
    public void close() throws Exception {
        camel.close();
        if (raw != null) {
            raw.close();
        }
    }
}
