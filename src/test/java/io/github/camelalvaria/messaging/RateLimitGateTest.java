package io.github.camelalvaria.messaging;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.camelalvaria.messaging.client.RateLimitGate;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The tenant's rate-limit gate against a loopback API that throttles per organization: one window costs
 * the calls that were on the wire, not one per message; a window longer than the bound fails fast; waiting holds no
 * thread; tenants do not share a gate, endpoints of one tenant do; the client-side and adaptive limits.
 */
class RateLimitGateTest {

    private static final String API_KEY = "gate-api-key-5ecret";
    private static final String ACCESS_TOKEN = "gate-access-token-5ecret";

    @RegisterExtension
    static final SecretWatch SECRETS = new SecretWatch().secret("api key", API_KEY)
            .secret("access token", ACCESS_TOKEN);

    private ThrottlingApi api;
    private CamelContext context;
    private final MeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void startApi() throws Exception {
        api = new ThrottlingApi();
    }

    @AfterEach
    void stop() throws Exception {
        if (context != null) {
            SECRETS.scanEndpoints(context);
            context.close();
        }
        api.close();
    }

    private void start(Map<String, String> routes) throws Exception {
        context = new DefaultCamelContext();
        context.getRegistry().bind("metricsRegistry", registry);
        AlvariaMessagingConfiguration configuration = new AlvariaMessagingConfiguration();
        configuration.setOrgId("acme");
        configuration.setApiKey(API_KEY);
        configuration.setAccessToken(ACCESS_TOKEN);
        configuration.setBaseUrl(api.baseUrl());
        configuration.setUserId("agent-7");
        configuration.setSessionId("session-1");
        configuration.setInteractionId("4321");
        configuration.setEntityName("Gate Bot");
        AlvariaMessagingComponent component = new AlvariaMessagingComponent();
        component.setConfiguration(configuration);
        context.addComponent("alvaria-messaging", component);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // failures go back to the caller, which plays the queue that redelivers them
                errorHandler(noErrorHandler());
                routes.forEach((from, to) -> from(from).to(to));
            }
        });
        // an exchange waiting at a closed gate is in flight: a graceful stop would wait out the window
        context.getShutdownStrategy().setTimeout(2);
        context.start();
    }

    private AlvariaMessagingComponent component() {
        return context.getComponent("alvaria-messaging", AlvariaMessagingComponent.class);
    }

    private Exchange send(String uri, String body) {
        return context.createProducerTemplate().send(uri, exchange -> exchange.getMessage().setBody(body));
    }

    @Test
    void oneRateLimitWindowCostsAHandfulOfRefusedCallsAndEveryMessageGoesThroughAfterIt() throws Exception {
        start(Map.of("direct:chat", "alvaria-messaging:sendText"));
        api.windowAt("acme", 3, 2);
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        for (int i = 0; i < 100; i++) {
            queue.add("message-" + i);
        }
        AsyncProducer producer = context.getEndpoint("direct:chat").createAsyncProducer();
        producer.start();
        Semaphore inFlight = new Semaphore(4);
        AtomicInteger delivered = new AtomicInteger();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();

        // a queue drained four at a time; a message that fails goes back to the queue, at once, as a broker would
        while (delivered.get() < 100 && System.nanoTime() < deadline) {
            if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            String body = queue.poll(100, TimeUnit.MILLISECONDS);
            if (body == null) {
                inFlight.release();
                continue;
            }
            Exchange exchange = producer.getEndpoint().createExchange();
            exchange.getMessage().setBody(body);
            producer.processAsync(exchange).whenComplete((done, failure) -> {
                if (done.getException() != null) {
                    queue.add(body);
                } else {
                    delivered.incrementAndGet();
                }
                inFlight.release();
            });
        }

        assertThat(delivered).hasValue(100);
        assertThat(api.accepted("acme")).hasSize(100);
        // the calls on the wire when the first 429 came back, at most the four in flight, and none after it
        assertThat(api.refused("acme")).isBetween(1, 5);
        assertThat(registry.get("alvaria.messaging.rate.limited").functionCounter().count())
                .isEqualTo(api.refused("acme"));
        assertThat(registry.get("alvaria.messaging.gate.wait").functionCounter().count()).isPositive();
    }

    @ParameterizedTest(name = "HTTP {0} with Retry-After ''{1}'' closes the gate: {2}")
    @CsvSource({ "429,60,true", "503,60,true", "503,,false" })
    void aClosureLongerThanTheBoundFailsTheNextSendFastAsRetryableWithTheRemainingWait(
            int status, String retryAfter, boolean closes) throws Exception {
        start(Map.of("direct:chat", "alvaria-messaging:sendText?maxGateWait=1000"));
        api.refuseFirst("acme", 1, status, retryAfter);

        Exchange refused = send("direct:chat", "first");
        assertThat(refused.getException()).isInstanceOf(AlvariaRetryableException.class);
        Exchange next = send("direct:chat", "second");

        if (!closes) {
            assertThat(next.getException()).isNull();
            assertThat(api.accepted("acme")).hasSize(1);
            return;
        }
        assertThat(next.getException()).isInstanceOf(AlvariaRetryableException.class)
                .hasMessageContaining("rate-limit gate").hasMessageContaining("maxGateWait");
        assertThat(((AlvariaRetryableException) next.getException()).getStatusCode()).isZero();
        // the remaining wait, for the route's error handler to decide on
        assertThat(next.getMessage().getHeader(Exchange.REDELIVERY_DELAY, Long.class)).isBetween(50_000L, 60_000L);
        assertThat(api.calls("acme")).isEqualTo(1);
    }

    @Test
    void aThousandSendsWaitAtTheClosedGateWithoutAThreadAndAStopFailsThemRetryable() throws Exception {
        start(Map.of("direct:chat", "alvaria-messaging:sendText"));
        api.refuseFirst("acme", 1, 429, "30");
        assertThat(send("direct:chat", "first").getException()).isInstanceOf(AlvariaRetryableException.class);
        AsyncProducer producer = context.getEndpoint("direct:chat").createAsyncProducer();
        producer.start();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

        List<CompletableFuture<Exchange>> waiting = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Exchange exchange = producer.getEndpoint().createExchange();
            exchange.getMessage().setBody("waiting " + i);
            waiting.add(producer.processAsync(exchange));
        }

        await().atMost(Duration.ofSeconds(10))
                .until(() -> component().gateStates().values().iterator().next().waiting() == 1000);
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).isLessThanOrEqualTo(threadsBefore + 10);
        assertThat(api.calls("acme")).isEqualTo(1);

        context.stop();
        await().atMost(Duration.ofSeconds(20)).until(() -> waiting.stream().allMatch(CompletableFuture::isDone));
        assertThat(waiting).allSatisfy(done -> assertThat(done.get().getException())
                .isInstanceOf(AlvariaRetryableException.class).hasMessageContaining("stopped"));
        assertThat(api.calls("acme")).isEqualTo(1);
    }

    @Test
    void twoTenantsDoNotShareAGateTwoEndpointsOfOneTenantDoAndTheReadinessDetailsShowIt() throws Exception {
        start(Map.of("direct:acme", "alvaria-messaging:sendText",
                     "direct:acmeUrl", "alvaria-messaging:sendUrl?maxGateWait=0",
                     "direct:globex", "alvaria-messaging:sendText?orgId=globex"));
        api.refuseFirst("acme", 1, 429, "30");

        assertThat(send("direct:acme", "closes the gate of acme").getException())
                .isInstanceOf(AlvariaRetryableException.class);
        assertThat(send("direct:globex", "globex is another tenant").getException()).isNull();
        Exchange sameTenant = send("direct:acmeUrl", "https://example.com/same-tenant");

        assertThat(api.accepted("globex")).hasSize(1);
        assertThat(sameTenant.getException()).isInstanceOf(AlvariaRetryableException.class)
                .hasMessageContaining("rate-limit gate");
        assertThat(api.calls("acme")).isEqualTo(1);
        HealthCheck.Result readiness = HealthCheckHelper.invokeReadiness(context).stream()
                .filter(result -> result.getCheck().getId().equals(AlvariaMessagingHealthCheck.ID)).findFirst()
                .orElseThrow();
        assertThat(readiness.getState()).isEqualTo(HealthCheck.State.UP);
        String organizations = api.baseUrl() + "/via/v2/organizations/";
        assertThat(readiness.getDetails().get(AlvariaMessagingHealthCheck.GATE_DETAIL + organizations + "acme (fixed access token)"))
                .asString().startsWith("closed for").contains("429s received 1");
        assertThat(readiness.getDetails().get(AlvariaMessagingHealthCheck.GATE_DETAIL + organizations + "globex (fixed access token)"))
                .asString().startsWith("open");
    }

    @Test
    void theClientSideLimitHoldsTheTenantsRate() throws Exception {
        start(Map.of("direct:chat", "alvaria-messaging:sendText?maxRequestsPerSecond=20"));
        AsyncProducer producer = context.getEndpoint("direct:chat").createAsyncProducer();
        producer.start();

        List<CompletableFuture<Exchange>> sends = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Exchange exchange = producer.getEndpoint().createExchange();
            exchange.getMessage().setBody("paced " + i);
            sends.add(producer.processAsync(exchange));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> sends.stream().allMatch(CompletableFuture::isDone));
        assertThat(sends).allSatisfy(done -> assertThat(done.get().getException()).isNull());
        assertThat(api.accepted("acme")).hasSize(60);
        // 20 a second and the bucket's 2: generous, but far below the 60 an unlimited client sends at once
        assertThat(mostArrivalsInOneSecond(api.arrivals("acme"))).isLessThanOrEqualTo(32);
    }

    @Test
    void theAdaptiveLimitLowersTheConcurrencyAfter429sAndRaisesItWhileCallsSucceed() throws Exception {
        start(Map.of("direct:chat", "alvaria-messaging:sendText?adaptiveConcurrency=true&maxConnectionsPerHost=16"));
        // Retry-After 0: no closure, so each 429 is a signal of its own
        api.refuseFirst("acme", 3, 429, "0");
        for (int i = 0; i < 3; i++) {
            assertThat(send("direct:chat", "refused " + i).getException()).isInstanceOf(AlvariaRetryableException.class);
        }
        assertThat(gate().concurrencyLimit()).isEqualTo(2);

        for (int i = 0; i < 20; i++) {
            assertThat(send("direct:chat", "accepted " + i).getException()).isNull();
        }

        assertThat(gate().concurrencyLimit()).isBetween(3, 16);
    }

    @Test
    void limitsAtOddsWithinATenantOrWithTheGateOffFailTheStartNamingTheOption() throws Exception {
        start(Map.of("direct:limited", "alvaria-messaging:sendText?maxRequestsPerSecond=10&maxGateWait=5s"));
        assertThat(send("direct:limited", "paced").getException()).isNull();

        assertThatThrownBy(() -> context.getEndpoint("alvaria-messaging:sendUrl?maxRequestsPerSecond=20").start())
                .hasRootCauseInstanceOf(AlvariaValidationException.class).rootCause()
                .hasMessageContaining("maxRequestsPerSecond").hasMessageContaining("same limits");
        assertThatThrownBy(() -> context.getEndpoint(
                "alvaria-messaging:sendUrl?rateLimitGate=false&adaptiveConcurrency=true"))
                .hasRootCauseInstanceOf(AlvariaValidationException.class).rootCause()
                .hasMessageContaining("adaptiveConcurrency").hasMessageContaining("rateLimitGate=false");
        assertThatThrownBy(() -> context.getEndpoint("alvaria-messaging:sendUrl?maxRequestsPerSecond=-1"))
                .hasRootCauseInstanceOf(AlvariaValidationException.class).rootCause()
                .hasMessageContaining("maxRequestsPerSecond");
    }

    private RateLimitGate.State gate() {
        return component().gateStates().values().iterator().next();
    }

    private static int mostArrivalsInOneSecond(List<Long> arrivals) {
        List<Long> sorted = arrivals.stream().sorted().toList();
        int most = 0;
        int from = 0;
        for (int to = 0; to < sorted.size(); to++) {
            while (sorted.get(to) - sorted.get(from) >= 1_000_000_000L) {
                from++;
            }
            most = Math.max(most, to - from + 1);
        }
        return most;
    }
}
