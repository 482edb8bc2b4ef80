package io.github.camelalvaria.messaging.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.camelalvaria.messaging.AlvariaMessagingConfiguration;
import io.github.camelalvaria.messaging.SimulatorTenant;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.RateLimit;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * One run against a rate-limited simulator (the benchmark's rate-limit part, and RateLimitPacingTest at a smaller
 * scale): {@code messages} sendText calls, {@code window} in flight, through a
 * route {@code direct -> alvaria-messaging:sendText} whose error handler redelivers a retryable failure up to
 * {@link #REDELIVERIES} times (after the CamelRedeliveryDelay the component sets from Retry-After) and then
 * dead-letters it, against a fresh simulator limited to {@code limit} requests a second (burst: a tenth of that).
 *
 * @param options   the endpoint options of the run, e.g. {@code rateLimitGate=false}
 * @param refused   429s the simulator answered
 * @param deadLettered messages that went to the dead letter channel
 * @param delivered messages the simulator accepted
 */
public record RateLimitRun(String options, long refused, long deadLettered, long delivered, double seconds) {

    static final int REDELIVERIES = 5;

    public double goodput() {
        return delivered / seconds;
    }

    public static RateLimitRun of(String options, int messages, int window, int limit) throws Exception {
        try (AlvariaSimulator simulator = AlvariaSimulator.start(
                SimulatorSettings.DEMO.withRateLimit(new RateLimit(limit, Math.max(1, limit / 10))))) {
            CamelContext camel = new DefaultCamelContext();
            AlvariaMessagingConfiguration config = SimulatorTenant.configure(camel, simulator);
            config.setSessionId("bench-session");
            config.setInteractionId("4321");
            config.setEntityName("bench");
            config.setMaxConnectionsPerHost(window);
            AtomicLong deadLettered = new AtomicLong();
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    errorHandler(deadLetterChannel("direct:dead").maximumRedeliveries(REDELIVERIES)
                                         .redeliveryDelay(100).asyncDelayedRedelivery().logExhausted(false)
                                         .logRetryAttempted(false));
                    from("direct:send").to("alvaria-messaging:sendText" + (options.isEmpty() ? "" : "?" + options));
                    from("direct:dead").process(exchange -> deadLettered.incrementAndGet());
                }
            });
            camel.start();
            try {
                AsyncProducer producer = camel.getEndpoint("direct:send").createAsyncProducer();
                producer.start();
                Semaphore slots = new Semaphore(window);
                CountDownLatch done = new CountDownLatch(messages);
                long started = System.nanoTime();
                for (int i = 0; i < messages; i++) {
                    slots.acquire();
                    Exchange exchange = producer.getEndpoint().createExchange();
                    exchange.getMessage().setBody("rate-limited " + i);
                    producer.processAsync(exchange).whenComplete((ignored, failed) -> {
                        slots.release();
                        done.countDown();
                    });
                }
                if (!done.await(10, TimeUnit.MINUTES)) {
                    throw new IllegalStateException(done.getCount() + " messages never completed");
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                return new RateLimitRun(options, simulator.record().refused(429), deadLettered.get(),
                                        simulator.accepted("4321").size(), seconds);
            } finally {
                camel.close();
            }
        }
    }

    @Override
    public String toString() {
        return String.format("%-40s %,7d 429s, %,6d dead-lettered, %,6d delivered, %6.1f msg/s goodput, %6.1f s",
                             options.isEmpty() ? "(defaults: the gate)" : options, refused, deadLettered, delivered,
                             goodput(), seconds);
    }
}
