package io.github.camelalvaria.messaging.app;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaHeaderFilterStrategy;

/**
 * camel-kafka's header filter, except that the component's headers ({@code CamelAlvaria…}) travel as Kafka record
 * headers both ways: a producer sets {@code CamelAlvariaInteractionId} on the record, and the failure headers reach the
 * dead-letter topic. Every other {@code Camel…} and {@code kafka.…} header stays out, as camel-kafka does by default,
 * so a record cannot steer Camel (a {@code kafka.OVERRIDE_TOPIC} would redirect the dead-letter send).
 */
public final class AlvariaKafkaHeaderFilterStrategy extends KafkaHeaderFilterStrategy {

    private static final String ALVARIA_HEADER_PREFIX = "CamelAlvaria";

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !headerName.startsWith(ALVARIA_HEADER_PREFIX)
               && super.applyFilterToCamelHeaders(headerName, headerValue, exchange);
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !headerName.startsWith(ALVARIA_HEADER_PREFIX)
               && super.applyFilterToExternalHeaders(headerName, headerValue, exchange);
    }
}
