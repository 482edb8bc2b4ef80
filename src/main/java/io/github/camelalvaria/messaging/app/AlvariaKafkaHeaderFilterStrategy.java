package io.github.camelalvaria.messaging.app;

import org.apache.camel.component.kafka.KafkaHeaderFilterStrategy;

/** camel-kafka's header filter, with the component's headers travelling as record headers (the Kafka bridge). */
public final class AlvariaKafkaHeaderFilterStrategy extends AlvariaHeaderFilterStrategy {

    public AlvariaKafkaHeaderFilterStrategy() {
        super(new KafkaHeaderFilterStrategy());
    }
}
