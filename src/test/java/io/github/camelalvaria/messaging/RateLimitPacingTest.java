package io.github.camelalvaria.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.github.camelalvaria.messaging.bench.RateLimitRun;
import io.github.camelalvaria.messaging.client.RateLimitGate;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.Faults;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gate alone (its defaults, no client-side limit) against the simulator. A producer that always exceeds the
 * platform's limit (a token bucket of 200 calls a second, burst 20; 1,500 messages with 64 in flight; a route that
 * redelivers each retryable failure five times, then dead-letters it): once a 429 finds the limit reached, the gate
 * paces the tenant below what the platform accepted instead of letting every waiting send meet the refilled bucket at
 * once when it opens. A 429 now and then among calls the platform accepts is that call's own: it closes the gate for
 * its Retry-After but does not pace, which would starve the tenant.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RateLimitPacingTest {

    private static final int MESSAGES = 1_500;
    private static final int IN_FLIGHT = 64;

    @Test
    void theGateAlonePacesAProducerThatAlwaysExceedsTheLimitAndDeadLettersNothing() throws Exception {
        RateLimitRun run = RateLimitRun.of("", MESSAGES, IN_FLIGHT, 200);
        System.out.println("RATE LIMIT PACING: " + run);

        assertThat(run.deadLettered()).as("dead-lettered").isZero();
        assertThat(run.delivered()).as("delivered").isEqualTo(MESSAGES);
        // the calls on the wire in the first windows, until one shows the limit reached, and a few each time the pace
        // crosses the limit again; a gate that releases every waiting send at once spends one refusal per waiting
        // message and window (thousands)
        assertThat(run.refused()).as("429s").isLessThanOrEqualTo(3L * IN_FLIGHT);
    }

    @Test
    void scattered429sAmongAcceptedCallsCloseTheGateButDoNotPaceTheTenant() throws Exception {
        Faults scattered = Faults.NONE.withTooManyRequests(0.05, 1);
        try (AlvariaSimulator simulator = AlvariaSimulator.start(SimulatorSettings.DEMO.withFaults(scattered));
             CamelContext context = new DefaultCamelContext()) {
            AlvariaMessagingConfiguration tenant = SimulatorTenant.configure(context, simulator);
            tenant.setSessionId("pacing-session");
            tenant.setInteractionId("4321");
            tenant.setEntityName("Pacing Test");
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    errorHandler(defaultErrorHandler().maximumRedeliveries(20).redeliveryDelay(10)
                                         .asyncDelayedRedelivery().logExhausted(false).logRetryAttempted(false));
                    from("direct:send").to("alvaria-messaging:sendText");
                }
            });
            context.start();
            AsyncProducer producer = context.getEndpoint("direct:send").createAsyncProducer();
            producer.start();
            Semaphore slots = new Semaphore(32);
            List<CompletableFuture<Exchange>> sends = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                slots.acquire();
                Exchange exchange = producer.getEndpoint().createExchange();
                exchange.getMessage().setBody("scattered " + i);
                sends.add(producer.processAsync(exchange).whenComplete((done, failure) -> slots.release()));
            }

            await().atMost(Duration.ofSeconds(90)).until(() -> sends.stream().allMatch(CompletableFuture::isDone));
            assertThat(sends).allSatisfy(send -> assertThat(send.get().getException()).isNull());
            RateLimitGate.State gate = context.getComponent("alvaria-messaging", AlvariaMessagingComponent.class)
                    .gateStates().values().iterator().next();
            assertThat(gate.rateLimited()).as("429s received").isPositive();
            assertThat(gate.closures()).as("closures").isPositive();
            assertThat(gate.pacedRate()).as("pace (0: none)").isZero();
        }
    }
}
