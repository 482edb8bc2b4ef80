package io.github.camelalvaria.messaging.app;

import java.nio.charset.StandardCharsets;

import org.apache.camel.component.kafka.serde.KafkaHeaderSerializer;

/**
 * Writes every Kafka record header as its text in UTF-8, numbers as their digits: the dead-letter topic's
 * {@code CamelAlvariaFailureStatus} reads {@code 503} in any Kafka tool, where camel-kafka's default serializer writes
 * an int as four binary bytes (and a String in the platform's charset). The bridge reads headers back with camel-kafka's
 * {@code ToStringKafkaHeaderDeserializer} (UTF-8), so a record moved from the dead-letter topic back to the topic reads
 * as it was sent.
 */
public final class TextKafkaHeaderSerializer implements KafkaHeaderSerializer {

    @Override
    public byte[] serialize(String key, Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof byte[] bytes ? bytes : value.toString().getBytes(StandardCharsets.UTF_8);
    }
}
