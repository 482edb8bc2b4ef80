package io.github.camelalvaria.messaging.app;

import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * A transport's header filter, except that the component's headers ({@code CamelAlvaria…}) travel both ways: a
 * producer sets {@code CamelAlvariaInteractionId} on the queued message or record, and the failure headers reach the
 * dead letter. Every other {@code Camel…} header stays out as the transport's filter decides, so a message cannot
 * steer Camel (a {@code CamelJmsDestinationName} or {@code kafka.OVERRIDE_TOPIC} would redirect the dead-letter send).
 */
public class AlvariaHeaderFilterStrategy implements HeaderFilterStrategy {

    private static final String ALVARIA_HEADER_PREFIX = "CamelAlvaria";

    private final HeaderFilterStrategy transport;

    protected AlvariaHeaderFilterStrategy(HeaderFilterStrategy transport) {
        this.transport = transport;
    }

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !headerName.startsWith(ALVARIA_HEADER_PREFIX)
               && transport.applyFilterToCamelHeaders(headerName, headerValue, exchange);
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !headerName.startsWith(ALVARIA_HEADER_PREFIX)
               && transport.applyFilterToExternalHeaders(headerName, headerValue, exchange);
    }
}
