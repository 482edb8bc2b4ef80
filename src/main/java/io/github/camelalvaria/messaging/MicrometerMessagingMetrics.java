package io.github.camelalvaria.messaging;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.spi.Registry;

/**
 * The component's meters in a Micrometer registry. Loaded only when Micrometer is on the classpath. Message counts
 * and latencies are recorded as they happen; token fetches, session creations, 429s and the time waited at the
 * rate-limit gates are read from the component when the registry is scraped.
 */
final class MicrometerMessagingMetrics implements MessagingMetrics {

    static final String MESSAGES = "alvaria.messaging.messages";
    static final String FAILURES = "alvaria.messaging.failures";
    static final String RETRIES = "alvaria.messaging.retries";
    static final String REQUEST = "alvaria.messaging.request";
    static final String TOKEN_FETCHES = "alvaria.messaging.token.fetches";
    static final String SESSION_CREATIONS = "alvaria.messaging.session.creations";
    static final String SESSION_RECREATIONS = "alvaria.messaging.session.recreations";
    static final String RATE_LIMITED = "alvaria.messaging.rate.limited";
    static final String GATE_WAIT = "alvaria.messaging.gate.wait";
    /** The name camel-micrometer looks a registry up by before it tries by type. */
    private static final String CAMEL_METRICS_REGISTRY = "metricsRegistry";

    private final MeterRegistry registry;
    private final List<Meter> componentMeters;

    private MicrometerMessagingMetrics(MeterRegistry registry, AlvariaMessagingComponent component) {
        this.registry = registry;
        this.componentMeters = List.of(
                FunctionCounter.builder(TOKEN_FETCHES, component, c -> c.tokenFetchCount() - c.failedTokenFetchCount())
                        .tag("outcome", "success").description("Access tokens requested from the token service")
                        .register(registry),
                FunctionCounter.builder(TOKEN_FETCHES, component, AlvariaMessagingComponent::failedTokenFetchCount)
                        .tag("outcome", "failure").description("Access tokens requested from the token service")
                        .register(registry),
                FunctionCounter.builder(SESSION_CREATIONS, component, AlvariaMessagingComponent::sessionCreationCount)
                        .description("Managed streaming sessions created on the server").register(registry),
                FunctionCounter.builder(SESSION_RECREATIONS, component,
                                        AlvariaMessagingComponent::sessionRecreationCount)
                        .description("Managed streaming sessions created again after the server dropped them")
                        .register(registry),
                FunctionCounter.builder(RATE_LIMITED, component, AlvariaMessagingComponent::rateLimitedCount)
                        .description("429 (Too Many Requests) answers received").register(registry),
                FunctionCounter.builder(GATE_WAIT, component, AlvariaMessagingComponent::gateWaitSeconds)
                        .baseUnit("seconds").description("Time sends spent waiting at the rate-limit gates, all"
                                                         + " together").register(registry));
    }

    /** The metrics in the registry camel-micrometer would use, or {@link #NONE} when there is none. */
    static MessagingMetrics lookup(AlvariaMessagingComponent component) {
        Registry beans = component.getCamelContext().getRegistry();
        MeterRegistry registry = beans.lookupByNameAndType(CAMEL_METRICS_REGISTRY, MeterRegistry.class);
        if (registry == null) {
            registry = beans.findSingleByType(MeterRegistry.class);
        }
        return registry == null ? NONE : new MicrometerMessagingMetrics(registry, component);
    }

    @Override
    public void sent(String operation, int attempt, long elapsedNanos, Throwable failure) {
        String outcome = outcome(failure);
        count(operation, outcome);
        Timer.builder(REQUEST).description("Time from the send to the API's answer")
                .tags("operation", operation, "outcome", outcome).register(registry)
                .record(elapsedNanos, TimeUnit.NANOSECONDS);
        if (failure != null) {
            int status = failure instanceof AlvariaMessagingException answer ? answer.getStatusCode() : 0;
            Counter.builder(FAILURES).description("Failed sends by HTTP status (0: no answer)")
                    .tags("operation", operation, "status", String.valueOf(status)).register(registry).increment();
        }
        if (attempt > 1) {
            Counter.builder(RETRIES).description("Sends that were redeliveries of an earlier failed attempt")
                    .tag("operation", operation).register(registry).increment();
        }
    }

    @Override
    public void invalid(String operation) {
        count(operation, "invalid");
    }

    private void count(String operation, String outcome) {
        Counter.builder(MESSAGES).description("Messages the producer handled, by operation and outcome")
                .tags("operation", operation, "outcome", outcome).register(registry).increment();
    }

    private static String outcome(Throwable failure) {
        if (failure == null) {
            return "success";
        }
        if (failure instanceof AlvariaRetryableException) {
            return "retryable";
        }
        return failure instanceof AlvariaPermanentException ? "permanent" : "error";
    }

    @Override
    public void close() {
        componentMeters.forEach(registry::remove);
    }
}
