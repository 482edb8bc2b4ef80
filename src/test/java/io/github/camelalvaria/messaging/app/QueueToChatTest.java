package io.github.camelalvaria.messaging.app;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;

import io.github.camelalvaria.messaging.simulator.AcceptedMessage;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.Faults;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.ENTITY_NAME;
import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.ENTITY_TYPE;
import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.INTERACTION_ID;
import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.OPERATION;
import static io.github.camelalvaria.messaging.app.DeadLetterHeaders.FAILURE_ATTEMPTS;
import static io.github.camelalvaria.messaging.app.DeadLetterHeaders.FAILURE_MESSAGE;
import static io.github.camelalvaria.messaging.app.DeadLetterHeaders.FAILURE_REASON;
import static io.github.camelalvaria.messaging.app.DeadLetterHeaders.FAILURE_STATUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The queue-to-chat bridge end to end: app instances (camel-main with the real {@code routes/queue-to-chat.yaml},
 * {@code application.properties} and {@code alvaria-error-handling}) consume from an embedded Apache Artemis broker
 * over TCP and post to the Alvaria simulator. Each test has its own queue and dead-letter queue. The last three prove
 * the transaction: a message leaves the queue only with the commit after a 2xx, or with its dead-letter copy.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class QueueToChatTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static EmbeddedArtemis broker;
    private static AlvariaSimulator simulator;

    private final List<QueueBridgeInstance> instances = new ArrayList<>();
    private String queue;
    private String deadLetterQueue;

    @BeforeAll
    static void startBrokerAndSimulator() throws Exception {
        broker = new EmbeddedArtemis();
        simulator = AlvariaSimulator.start(SimulatorSettings.DEMO.withPort(0));
    }

    @AfterAll
    static void stopBrokerAndSimulator() throws Exception {
        simulator.close();
        broker.close();
    }

    @BeforeEach
    void freshQueuesAndRecord(TestInfo test) {
        queue = "outbound." + test.getTestMethod().orElseThrow().getName();
        deadLetterQueue = queue + ".dead";
        simulator.setFaults(Faults.NONE);
        simulator.clearRecord();
    }

    @AfterEach
    void stopInstances() {
        instances.forEach(QueueBridgeInstance::close);
    }

    @Test
    void textAndUrlMessagesReachTheInteractionsTheirPropertiesNameExactlyOnce() throws Exception {
        startInstance("instance-a", Map.of());

        broker.send(queue, "Your order has shipped.", Map.of(OPERATION, "sendText", INTERACTION_ID, "4321"));
        broker.send(queue, "https://help.example.com/orders",
                    Map.of(OPERATION, "sendUrl", INTERACTION_ID, "4322", ENTITY_NAME, "Order Bot"));
        broker.send(queue, "Sent without an operation property.", Map.of(INTERACTION_ID, "4322"));

        awaitQueueEmpty();
        assertThat(simulator.accepted("4321")).extracting(AcceptedMessage::operation, AcceptedMessage::text)
                .containsExactly(tuple("sendText", "Your order has shipped."));
        assertThat(simulator.accepted("4322"))
                .extracting(AcceptedMessage::operation, AcceptedMessage::url, AcceptedMessage::text,
                            AcceptedMessage::entityName)
                .containsExactlyInAnyOrder(
                        tuple("sendUrl", "https://help.example.com/orders", null, "Order Bot"),
                        tuple("sendText", null, "Sent without an operation property.", "Integration Bot"));
        assertThat(simulator.record().acceptedCount()).isEqualTo(3);
        assertThat(broker.messageCount(deadLetterQueue)).isZero();
    }

    @Test
    void permanentFailuresLandOnTheDeadLetterQueueWithTheOriginalMessageAndWhy() throws Exception {
        startInstance("instance-a", Map.of());

        // a Camel header other than CamelAlvaria* does not come in from JMS: this one cannot redirect the dead letter
        broker.send(queue, "Nobody is there.", Map.of(OPERATION, "sendText", INTERACTION_ID, "9999",
                                                      "CamelJmsDestinationName", queue + ".elsewhere"));
        broker.send(queue, "Beep.", Map.of(OPERATION, "sendText", INTERACTION_ID, "4321", ENTITY_TYPE, "Robot"));

        awaitQueueEmpty();
        assertThat(broker.queueExists(queue + ".elsewhere")).isFalse();
        Map<String, Message> dead = byBody(broker.drain(deadLetterQueue));
        assertThat(dead).containsOnlyKeys("Nobody is there.", "Beep.");

        Message notFound = dead.get("Nobody is there.");
        assertThat(notFound.getStringProperty(OPERATION)).isEqualTo("sendText");
        assertThat(notFound.getStringProperty(INTERACTION_ID)).isEqualTo("9999");
        assertThat(notFound.getIntProperty(FAILURE_STATUS)).isEqualTo(404);
        assertThat(notFound.getStringProperty(FAILURE_REASON)).isEqualTo("rejected");
        assertThat(notFound.getIntProperty(FAILURE_ATTEMPTS)).isEqualTo(1);
        assertThat(notFound.getStringProperty(FAILURE_MESSAGE)).contains("interactionId 9999 not found");

        Message invalid = dead.get("Beep.");
        assertThat(invalid.getStringProperty(ENTITY_TYPE)).isEqualTo("Robot");
        assertThat(invalid.getIntProperty(FAILURE_STATUS)).isZero();
        assertThat(invalid.getStringProperty(FAILURE_REASON)).isEqualTo("validation");
        assertThat(invalid.getStringProperty(FAILURE_MESSAGE)).contains("entityType");

        assertThat(simulator.record().acceptedCount()).isZero();
        assertThat(simulator.record().refused(404)).isEqualTo(1);
    }

    @Test
    void underThrottlingAndOutagesEveryMessageIsDeliveredOnceOrDeadLettered() throws Exception {
        startInstance("instance-a", Map.of("alvaria.redelivery.maximum-redeliveries", "3"));
        simulator.setFaults(Faults.NONE.withTooManyRequests(0.15, 0).withUnavailable(0.15, 0));

        Set<String> sent = sendNumbered(200);

        awaitQueueEmpty();
        List<String> delivered = deliveredTexts();
        List<Message> dead = broker.drain(deadLetterQueue);
        assertThat(delivered).doesNotHaveDuplicates();
        assertThat(Stream.concat(delivered.stream(), bodies(dead).stream())).containsExactlyInAnyOrderElementsOf(sent);
        for (Message message : dead) {
            assertThat(message.getStringProperty(FAILURE_REASON)).isEqualTo("retries-exhausted");
            assertThat(message.getIntProperty(FAILURE_STATUS)).isIn(429, 503);
            // not the count: the shared DeadLetterHeaders reads CamelRedeliveryCounter, which useOriginalMessage drops
            assertThat(message.propertyExists(FAILURE_ATTEMPTS)).isTrue();
        }
        assertThat(simulator.record().refused(429) + simulator.record().refused(503)).isPositive();
    }

    @Test
    void twoInstancesOnOneQueueShareTheLoadWithoutDuplicates() throws Exception {
        startInstance("instance-a", Map.of());
        startInstance("instance-b", Map.of());
        await().atMost(PATIENCE).until(() -> broker.consumerCount(queue) == 8);

        Set<String> sent = sendNumbered(200);

        awaitQueueEmpty();
        assertThat(deliveredTexts()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
        Map<String, Long> deliveredBy = accepted().stream()
                .collect(Collectors.groupingBy(AcceptedMessage::sessionId, Collectors.counting()));
        assertThat(deliveredBy).containsOnlyKeys("instance-a", "instance-b");
        assertThat(broker.messageCount(deadLetterQueue)).isZero();
    }

    /**
     * The broker cuts the instance's connection while the message is in the route. Had it been acknowledged on
     * receipt, it would be posted once; it is acknowledged by the commit after the 202, which fails, so the broker
     * delivers it again: posted at least twice, never lost. (More than twice when the listener container's reconnect
     * closes a session that holds the redelivered message.)
     */
    @Test
    void aMessageIsAcknowledgedOnlyAfterTheCallSoACrashMeansRedeliveryNotLoss() {
        QueueBridgeInstance instance
                = startInstance("instance-a", Map.of("camel.component.jms.recovery-interval", "100"));
        simulator.setFaults(Faults.NONE.withLatency(1_500));

        broker.send(queue, "Sent while the connection breaks.", Map.of(INTERACTION_ID, "4321"));
        await().atMost(PATIENCE).until(() -> instance.context().getInflightRepository().size() == 1);
        assertThat(broker.acknowledgedCount(queue)).isZero();
        broker.failAllConnections();

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(broker.messageCount(queue)).isZero();
            assertThat(simulator.accepted("4321")).hasSizeGreaterThanOrEqualTo(2);
        });
        assertThat(simulator.accepted("4321")).extracting(AcceptedMessage::text)
                .containsOnly("Sent while the connection breaks.");
        assertThat(broker.messageCount(deadLetterQueue)).isZero();
    }

    @Test
    void aMessageWhoseDeadLetterSendFailsStaysOnTheQueueUntilItCanBeDeadLettered() throws Exception {
        deadLetterQueue = EmbeddedArtemis.NOT_AUTO_CREATED + queue + ".dead";
        startInstance("instance-a", Map.of());

        broker.send(queue, "Nobody is there.", Map.of(INTERACTION_ID, "9999"));

        // each delivery is refused 404, the dead-letter send fails, the transaction rolls back, the broker redelivers
        await().atMost(PATIENCE).until(() -> simulator.record().refused(404) >= 3);
        assertThat(broker.messageCount(queue)).isEqualTo(1);
        assertThat(broker.queueExists(deadLetterQueue)).isFalse();

        broker.createQueue(deadLetterQueue);
        awaitQueueEmpty();
        assertThat(bodies(broker.drain(deadLetterQueue))).containsExactly("Nobody is there.");
        assertThat(simulator.record().acceptedCount()).isZero();
    }

    @Test
    void theDeadLetterSendIsRolledBackWithTheConsume() throws Exception {
        QueueBridgeInstance instance = startInstance("instance-a", Map.of());
        AtomicBoolean failedOnce = new AtomicBoolean();
        // a failure after the dead-letter send, before the commit: only the first time
        AdviceWith.adviceWith(instance.context(), "queue-dead-letter",
                              route -> route.weaveAddLast().process(exchange -> {
                                  if (failedOnce.compareAndSet(false, true)) {
                                      throw new IllegalStateException("test: failing after the dead-letter send");
                                  }
                              }));

        broker.send(queue, "Nobody is there.", Map.of(INTERACTION_ID, "9999"));

        awaitQueueEmpty();
        assertThat(failedOnce).isTrue();
        assertThat(simulator.record().refused(404)).isEqualTo(2);
        assertThat(bodies(broker.drain(deadLetterQueue))).containsExactly("Nobody is there.");
    }

    /**
     * Each JMS type means one thing: a TextMessage is text, a BytesMessage UTF-8 text, a MapMessage the API's fields.
     * Bytes that are not UTF-8, an ObjectMessage and a StreamMessage are dead-lettered as {@code validation}, their
     * bodies kept as they came; an ObjectMessage is never deserialized (its class would run code of its own).
     */
    @Test
    void eachJmsTypeIsReadForWhatItMeansAndTheRestIsDeadLetteredUnread() throws Exception {
        startInstance("instance-a", Map.of());
        byte[] notUtf8 = { 'b', 'a', 'd', (byte) 0xC3, '(' };

        broker.send(queue, context -> {
            BytesMessage bytes = context.createBytesMessage();
            bytes.writeBytes("bytes: h\u00e9llo".getBytes(StandardCharsets.UTF_8));
            return bytes;
        }, Map.of(INTERACTION_ID, "4321"));
        broker.send(queue, context -> {
            MapMessage map = context.createMapMessage();
            map.setString("text", "from a MapMessage");
            map.setString("interactionId", "4322");
            map.setString("entityName", "Map Bot");
            return map;
        }, Map.of());
        broker.send(queue, context -> {
            BytesMessage bytes = context.createBytesMessage();
            bytes.writeBytes(notUtf8);
            return bytes;
        }, Map.of(INTERACTION_ID, "4321", "kind", "bytes"));
        broker.send(queue, context -> context.createObjectMessage(new Tripwire()), Map.of(INTERACTION_ID, "4321",
                                                                                         "kind", "object"));
        broker.send(queue, context -> {
            StreamMessage stream = context.createStreamMessage();
            stream.writeString("a stream");
            return stream;
        }, Map.of(INTERACTION_ID, "4321", "kind", "stream"));

        awaitQueueEmpty();
        assertThat(simulator.accepted("4321")).extracting(AcceptedMessage::text).containsExactly("bytes: h\u00e9llo");
        assertThat(simulator.accepted("4322")).extracting(AcceptedMessage::text, AcceptedMessage::entityName)
                .containsExactly(tuple("from a MapMessage", "Map Bot"));
        assertThat(simulator.record().acceptedCount()).isEqualTo(2);
        assertThat(Tripwire.DESERIALIZED).as("the ObjectMessage deserialized").isFalse();

        Map<String, Message> dead = broker.drain(deadLetterQueue).stream().collect(Collectors.toMap(
                message -> property(message, "kind"), Function.identity()));
        assertThat(dead).containsOnlyKeys("bytes", "object", "stream");
        for (Message message : dead.values()) {
            assertThat(message.getStringProperty(FAILURE_REASON)).isEqualTo("validation");
            assertThat(message.getIntProperty(FAILURE_STATUS)).isZero();
            assertThat(message.getStringProperty(FAILURE_MESSAGE)).contains("body");
            assertThat(message.getStringProperty(INTERACTION_ID)).isEqualTo("4321");
        }
        assertThat(dead.get("bytes").getBody(byte[].class)).isEqualTo(notUtf8);
        assertThat(dead.get("bytes").getStringProperty(FAILURE_MESSAGE)).contains("UTF-8");
        assertThat(dead.get("object")).isInstanceOf(ObjectMessage.class);
        assertThat(dead.get("object").getStringProperty(FAILURE_MESSAGE)).contains("ObjectMessage");
        assertThat(dead.get("stream")).isInstanceOf(StreamMessage.class);
        assertThat(dead.get("stream").getStringProperty(FAILURE_MESSAGE)).contains("StreamMessage");
    }

    /** Sets {@link #DESERIALIZED} when it is read back from its bytes: what a hostile class would run code in. */
    static final class Tripwire implements Serializable {

        private static final long serialVersionUID = 1L;
        // static: deserialization makes an instance of its own; only this test sends one
        static volatile boolean DESERIALIZED;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            DESERIALIZED = true;
            in.defaultReadObject();
        }
    }

    private static String property(Message message, String name) {
        try {
            return message.getStringProperty(name);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private QueueBridgeInstance startInstance(String name, Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>();
        properties.put("alvaria.jms.queue", queue);
        properties.put("alvaria.jms.dead-letter-queue", deadLetterQueue);
        properties.putAll(overrides);
        QueueBridgeInstance instance = new QueueBridgeInstance(name, broker.url(), simulator, properties);
        instances.add(instance);
        return instance;
    }

    private Set<String> sendNumbered(int count) {
        Set<String> sent = new HashSet<>();
        IntStream.range(0, count).forEach(number -> {
            String text = "message " + number;
            broker.send(queue, text, Map.of(OPERATION, "sendText", INTERACTION_ID, number % 2 == 0 ? "4321" : "4322"));
            sent.add(text);
        });
        return sent;
    }

    /** Until no message is left on the queue: each one committed after a 2xx, or with its dead-letter copy. */
    private void awaitQueueEmpty() {
        await().atMost(Duration.ofMinutes(2)).until(() -> broker.messageCount(queue) == 0);
    }

    /** What the simulator accepted on the two interactions the numbered messages go to. */
    private static List<AcceptedMessage> accepted() {
        return Stream.of("4321", "4322").flatMap(interaction -> simulator.accepted(interaction).stream()).toList();
    }

    private static List<String> deliveredTexts() {
        return accepted().stream().map(AcceptedMessage::text).toList();
    }

    private static Map<String, Message> byBody(List<Message> messages) {
        return messages.stream().collect(Collectors.toMap(QueueToChatTest::body, Function.identity()));
    }

    private static List<String> bodies(List<Message> messages) {
        return messages.stream().map(QueueToChatTest::body).toList();
    }

    private static String body(Message message) {
        try {
            return message.getBody(String.class);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
