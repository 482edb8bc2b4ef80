package io.github.camelalvaria.messaging.app;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The first step of a route that consumes JMS with {@code transacted=true}: marks the exchange as transacted, so that
 * Camel routes it synchronously on the JMS listener's thread, which holds the message's transacted session. A
 * dead-letter send made there joins that session and commits with the consume, or is rolled back with it. An
 * asynchronous producer such as alvaria-messaging still answers on its own thread: call it through a route of its
 * own (see routes/queue-to-chat.yaml), so that the error handling after it runs on the listener's thread again.
 */
public final class LocalJmsTransaction implements Processor {

    @Override
    public void process(Exchange exchange) {
        exchange.getExchangeExtension().setTransacted(true);
    }
}
