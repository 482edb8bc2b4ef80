package io.github.camelalvaria.messaging.app;

import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsHeaderFilterStrategy;

/**
 * camel-jms's header filter, except that the component's headers ({@code CamelAlvaria…}) travel as JMS properties
 * both ways: a producer sets {@code CamelAlvariaInteractionId} on the queue's message, and the failure headers reach
 * the dead-letter queue. Every other {@code Camel…} header stays out, as camel-jms does by default, so a queued message
 * cannot steer Camel (a {@code CamelJmsDestinationName} would redirect the dead-letter send).
 */
public final class AlvariaJmsHeaderFilterStrategy extends JmsHeaderFilterStrategy {

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
