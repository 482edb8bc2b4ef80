package io.github.camelalvaria.messaging.app;

import org.apache.camel.component.jms.JmsHeaderFilterStrategy;

/** camel-jms's header filter, with the component's headers travelling as JMS properties (the queue bridge). */
public final class AlvariaJmsHeaderFilterStrategy extends AlvariaHeaderFilterStrategy {

    public AlvariaJmsHeaderFilterStrategy() {
        super(new JmsHeaderFilterStrategy());
    }
}
