package io.github.camelalvaria.messaging.app;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.jms.JMSException;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsMessage;

/**
 * Prepares the received JMS message to be sent on to the dead-letter queue as it is (the route sends it with
 * {@code forceSendOriginalMessage=true}): its body, of any JMS type, byte for byte and never deserialized, its
 * properties, and the {@link DeadLetterHeaders} as properties too. A received message's properties are read-only until
 * they are cleared, so they are set again.
 */
public final class JmsDeadLetterCopy implements Processor {

    @Override
    public void process(Exchange exchange) throws JMSException {
        Message message = exchange.getMessage();
        if (!(message instanceof JmsMessage jms) || jms.getJmsMessage() == null) {
            throw new IllegalStateException("the dead letter is not the received JMS message");
        }
        jakarta.jms.Message received = jms.getJmsMessage();
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Object name : Collections.list(received.getPropertyNames())) {
            // JMSX* are set by the provider (JMSXDeliveryCount), not by the sender
            if (!((String) name).startsWith("JMSX")) {
                properties.put((String) name, received.getObjectProperty((String) name));
            }
        }
        received.clearProperties();
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            received.setObjectProperty(property.getKey(), property.getValue());
        }
        received.setIntProperty(DeadLetterHeaders.FAILURE_STATUS,
                                message.getHeader(DeadLetterHeaders.FAILURE_STATUS, 0, Integer.class));
        received.setStringProperty(DeadLetterHeaders.FAILURE_MESSAGE,
                                   message.getHeader(DeadLetterHeaders.FAILURE_MESSAGE, String.class));
        received.setStringProperty(DeadLetterHeaders.FAILURE_REASON,
                                   message.getHeader(DeadLetterHeaders.FAILURE_REASON, String.class));
        received.setIntProperty(DeadLetterHeaders.FAILURE_ATTEMPTS,
                                message.getHeader(DeadLetterHeaders.FAILURE_ATTEMPTS, 0, Integer.class));
    }
}
