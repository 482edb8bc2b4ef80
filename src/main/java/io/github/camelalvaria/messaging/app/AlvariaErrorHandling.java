package io.github.camelalvaria.messaging.app;

import io.github.camelalvaria.messaging.AlvariaRetryableException;
import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;

/**
 * The route configuration {@value #ID} every bridge uses, and any route can by naming it
 * ({@code routeConfigurationId: alvaria-error-handling} in YAML, {@code .routeConfigurationId(...)} in Java).
 * Retryable failures are redelivered with exponential backoff (a server's Retry-After wins through
 * {@code CamelRedeliveryDelay}), then dead-lettered; everything else is dead-lettered at once. The dead-letter message
 * is the original message with {@link DeadLetterHeaders}; it goes to the endpoint in the exchange property
 * {@value DeadLetterHeaders#DEAD_LETTER_URI}, or to {@code alvaria.dead-letter.default-uri}.
 */
public class AlvariaErrorHandling extends RouteConfigurationBuilder {

    public static final String ID = "alvaria-error-handling";
    /**
     * Counts each dead letter by its {@link DeadLetterHeaders#FAILURE_REASON} (camel-micrometer), exposed as
     * {@code alvaria_messaging_dead_lettered_total} at /observe/metrics.
     */
    static final String DEAD_LETTER_COUNTER = "micrometer:counter:alvaria.messaging.dead.lettered?tags.reason=${header."
                                              + DeadLetterHeaders.FAILURE_REASON + "}";

    @Override
    public void configuration() {
        CamelContext context = getContext();
        DeadLetterHeaders deadLetterHeaders
                = new DeadLetterHeaders(context.resolvePropertyPlaceholders("{{alvaria.dead-letter.default-uri}}"));
        // without metrics nothing reads the counter: camel-micrometer is then not even loaded
        boolean counted = Boolean.parseBoolean(context.resolvePropertyPlaceholders("{{camel.metrics.enabled:false}}"));
        RouteConfigurationDefinition configuration = routeConfiguration(ID);
        deadLetter(configuration.onException(AlvariaRetryableException.class)
                .maximumRedeliveries("{{alvaria.redelivery.maximum-redeliveries}}")
                .redeliveryDelay("{{alvaria.redelivery.initial-delay}}")
                .useExponentialBackOff()
                .backOffMultiplier("{{alvaria.redelivery.multiplier}}")
                .maximumRedeliveryDelay("{{alvaria.redelivery.maximum-delay}}")
                // the wait is scheduled, not slept: a failed send completes on an HTTP I/O thread, which a sleep
                // would take from every other message for as long as the Retry-After (a transacted exchange still
                // waits on its own listener thread, as its transaction requires)
                .asyncDelayedRedelivery()
                .retryAttemptedLogLevel(LoggingLevel.WARN), deadLetterHeaders, counted);
        // permanent failures, bad input, and anything unexpected on the way (an unreadable file, say)
        deadLetter(configuration.onException(Exception.class), deadLetterHeaders, counted);
    }

    /** The original message, with the failure's headers, to the exchange's dead-letter endpoint. */
    private static void deadLetter(OnExceptionDefinition onException, DeadLetterHeaders deadLetterHeaders,
                                   boolean counted) {
        onException.useOriginalMessage().handled(true).process(deadLetterHeaders);
        if (counted) {
            onException.to(DEAD_LETTER_COUNTER);
        }
        onException.toD("${exchangeProperty." + DeadLetterHeaders.DEAD_LETTER_URI + "}");
    }
}
