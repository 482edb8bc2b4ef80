package io.github.camelalvaria.messaging.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.camelalvaria.messaging.SecretWatch;
import io.github.camelalvaria.messaging.simulator.AcceptedMessage;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.Faults;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.util.FileUtil;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.INTERACTION_ID;
import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.OPERATION;
import static io.github.camelalvaria.messaging.app.DeadLetterHeaders.FAILURE_ATTEMPTS;
import static io.github.camelalvaria.messaging.app.DeadLetterHeaders.FAILURE_REASON;
import static io.github.camelalvaria.messaging.app.DeadLetterHeaders.FAILURE_STATUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka bridge (routes/kafka-to-chat.yaml) as operators run it to scale out: app instances in JVMs of their own
 * ({@link AppProcess}) in one consumer group on a real Kafka 4 broker ({@link KafkaBroker}, one per class), posting to
 * the simulator while it faults. Records are keyed by interaction id and numbered per interaction; the simulator's
 * record says which instance (session id) delivered what, in which order, and how many calls it accepted and then
 * dropped (the ambiguous failures).
 *
 * <p>{@code -Pscale} runs the throughput measurement of docs/scaling.md (one, then two instances) instead.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class KafkaToChatTest {

    @RegisterExtension
    static final SecretWatch SECRETS = new SecretWatch();

    private static final Path OUTPUT = Path.of("target/kafka-to-chat");
    private static final int PARTITIONS = 8;
    private static final int CONSUMERS_PER_INSTANCE = 4;
    /** camel-kafka commits after each poll's records; one record a poll: a crash sends again what was in flight. */
    private static final int IN_FLIGHT_PER_INSTANCE = CONSUMERS_PER_INSTANCE;
    private static final int INTERACTIONS = 20;
    /** Every so many records goes to an interaction the simulator does not know: 404, dead-lettered. */
    private static final int UNKNOWN_EVERY = 50;
    private static final String UNKNOWN_INTERACTION = "9999";
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    /** A fifth of the calls faulted, retryable all of them; one in fifty accepted and then dropped. */
    private static final Faults FAULTS = Faults.NONE
            .withTooManyRequests(0.03, 1)
            .withServerErrors(0.05)
            .withUnavailable(0.05, 0)
            .withDroppedConnections(0.03)
            .withDropsAfterAccept(0.02)
            .withLatency(5)
            .withSeed(16L);

    @TempDir
    static Path brokerFolder;

    private static AlvariaSimulator simulator;
    private static KafkaBroker broker;

    private final List<AppProcess> apps = new ArrayList<>();
    private String testName;

    @BeforeAll
    static void startSimulatorAndBroker() throws Exception {
        FileUtil.removeDir(OUTPUT.toFile());
        simulator = AlvariaSimulator.start(SimulatorSettings.DEMO.withApiKey("kafka-api-key-77c2")
                                                   .withClient("kafka-client", "kafka-client-secret-91ab"));
        SECRETS.secretsOf(simulator);
        for (int i = 0; i < INTERACTIONS; i++) {
            simulator.addInteraction(interaction(i), "agent-1");
        }
        broker = KafkaBroker.start(brokerFolder);
    }

    @AfterAll
    static void stopBrokerAndSimulator() throws Exception {
        if (broker != null) {
            broker.close();
        }
        simulator.close();
        SECRETS.scanFiles(OUTPUT);
    }

    @BeforeEach
    void freshRecord(TestInfo test) {
        testName = test.getTestMethod().orElseThrow().getName();
        simulator.setFaults(Faults.NONE);
        simulator.clearRecord();
    }

    @AfterEach
    void stopApps() throws Exception {
        for (AppProcess app : apps) {
            app.close();
        }
    }

    @Test
    void twoInstancesShareTheGroupAndAKilledOneLosesNoRecordAndKeepsEachInteractionInOrder() throws Exception {
        broker.createTopics(PARTITIONS, topic(), deadLetterTopic());
        Map<String, String> sent = sendNumbered(1_000);
        simulator.setFaults(FAULTS);

        AppProcess first = startInstance("instance-a", topic(), Map.of());
        AppProcess second = startInstance("instance-b", topic(), Map.of());
        await().atMost(PATIENCE).until(() -> deliveredBy("instance-a") > 0 && deliveredBy("instance-b") > 0
                                             && delivered().size() >= sent.size() * 2 / 5);
        assertThat(first.kill()).as("exit code of kill -9").isEqualTo(137);
        int deliveredAtKill = Set.copyOf(delivered()).size();

        // the group gives the dead instance's partitions to the other one after its session timeout
        awaitEveryRecordDoneAndCommitted(sent.keySet());
        int bySurvivorAfterKill = deliveredBy("instance-b");
        simulator.setFaults(Faults.NONE);

        List<String> delivered = delivered();
        Map<String, Map<String, String>> deadLetters = deadLetters();
        Set<String> permanent = sent.entrySet().stream().filter(e -> e.getValue().equals(UNKNOWN_INTERACTION))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertThat(union(delivered, deadLetters.keySet())).as("delivered or dead-lettered").isEqualTo(sent.keySet());
        assertThat(deadLetters.keySet()).as("every unknown interaction's record is dead-lettered")
                .containsAll(permanent);
        assertThat(delivered).as("no unknown interaction's record is delivered").doesNotContainAnyElementsOf(permanent);
        deadLetters.forEach((text, headers) -> assertThat(headers).as("dead letter " + text)
                .containsKeys(FAILURE_STATUS, FAILURE_REASON, FAILURE_ATTEMPTS, INTERACTION_ID, OPERATION));
        permanent.forEach(text -> assertThat(deadLetters.get(text))
                .containsEntry(FAILURE_STATUS, "404").containsEntry(FAILURE_REASON, "rejected"));

        // a record goes out twice only when it was in flight at the kill, or after an ambiguous failure
        long ambiguous = simulator.record().droppedAfterAccept();
        int extras = delivered.size() - Set.copyOf(delivered).size()
                     + intersection(Set.copyOf(delivered), deadLetters.keySet()).size();
        assertThat(extras).as("records sent again").isLessThanOrEqualTo((int) ambiguous + IN_FLIGHT_PER_INSTANCE);

        // the records of one interaction are delivered in the order they were sent, the dead-lettered left out
        for (int i = 0; i < INTERACTIONS; i++) {
            List<Integer> order = simulator.accepted(interaction(i)).stream().map(AcceptedMessage::text)
                    .map(KafkaToChatTest::sequenceOf).distinct().toList();
            assertThat(order).as("interaction " + interaction(i) + " in order").isSorted();
        }
        System.out.printf("KAFKA-TO-CHAT kill -9: %d records, %d delivered at the kill, %d calls accepted, %d sent"
                          + " again (%d ambiguous failures), %d dead-lettered (%d unknown interaction), by instance"
                          + " a %d, b %d%n", sent.size(), deliveredAtKill, delivered.size(), extras, ambiguous,
                          deadLetters.size(), permanent.size(), deliveredBy("instance-a"), bySurvivorAfterKill);
    }

    @Test
    void aRecordWhoseDeadLetterCannotBeWrittenIsNotCommittedAndIsTriedAgainUntilItCan() throws Exception {
        // no dead-letter topic, and the broker creates none: the dead-letter send fails
        broker.createTopics(PARTITIONS, topic());
        Map<String, String> sent = sendNumbered(UNKNOWN_EVERY);
        String undeliverable = sent.entrySet().stream().filter(e -> e.getValue().equals(UNKNOWN_INTERACTION))
                .map(Map.Entry::getKey).findFirst().orElseThrow();

        AppProcess app = startInstance("instance", topic(), Map.of("alvaria.kafka.dead-letter-max-block-ms", "1000"));
        // camel-kafka seeks back to the record each time its exchange fails: it is tried again, its partition waits
        await().atMost(PATIENCE).until(() -> app.output().split("Will seek consumer to offset", -1).length > 3);
        assertThat(committedEverything()).as("the undeliverable record's offset committed").isFalse();
        assertThat(delivered()).doesNotContain(undeliverable);

        broker.createTopics(PARTITIONS, deadLetterTopic());
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(this::committedEverything);
        assertThat(deadLetters()).containsOnlyKeys(undeliverable);
        assertThat(deadLetters().get(undeliverable)).containsEntry(FAILURE_STATUS, "404");
        assertThat(delivered()).as("the others, once each").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(sent.keySet().stream()
                                                             .filter(text -> !text.equals(undeliverable)).toList());
    }

    @Test
    void aCommitThatTimesOutWhileTheBrokerStandsStillSkipsNoRecord() throws Exception {
        broker.createTopics(PARTITIONS, topic(), deadLetterTopic());
        Map<String, String> sent = sendNumbered(400);
        // a session longer than the freeze: the group keeps its members, only the commits in flight fail
        AppProcess app = startInstance("instance", topic(), Map.of("alvaria.kafka.session-timeout-ms", "30000"));
        await().atMost(PATIENCE).until(() -> delivered().size() >= 40);

        // longer than camel-kafka's commit timeout (5 s): the commit each consumer thread makes meanwhile times out
        broker.freeze(Duration.ofSeconds(8));
        awaitEveryRecordDoneAndCommitted(sent.keySet());

        assertThat(app.output()).as("a commit timed out").contains("TimeoutException caught by thread");
        List<String> delivered = delivered();
        Map<String, Map<String, String>> deadLetters = deadLetters();
        assertThat(union(delivered, deadLetters.keySet())).as("delivered or dead-lettered").isEqualTo(sent.keySet());
        // the record whose commit failed comes again, at most one a consumer thread
        int extras = delivered.size() - Set.copyOf(delivered).size()
                     + intersection(Set.copyOf(delivered), deadLetters.keySet()).size();
        assertThat(extras).as("records sent again").isLessThanOrEqualTo(CONSUMERS_PER_INSTANCE);
        System.out.printf("KAFKA-TO-CHAT commit timeout: %d records, %d commits timed out, %d sent again%n",
                          sent.size(), app.output().split("TimeoutException caught by thread", -1).length - 1, extras);
    }

    /** The measurement of docs/scaling.md, in -Pscale. */
    @Test
    @Tag("scale")
    void throughputWithOneAndWithTwoInstances() throws Exception {
        int records = Integer.getInteger("alvaria.kafka.figures.records", 3_000);
        // an answer in 20 ms, about what a call to the cloud API takes
        simulator.setFaults(Faults.NONE.withLatency(20));
        for (int instances = 1; instances <= 2; instances++) {
            String round = testName + "-" + instances;
            broker.createTopics(PARTITIONS, topic() + instances, deadLetterTopic() + instances);
            simulator.clearRecord();
            sendNumbered(topic() + instances, records);
            List<AppProcess> round0 = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                round0.add(startInstance(round + "-" + i, topic() + instances, Map.of()));
            }
            await().atMost(PATIENCE).until(() -> !delivered().isEmpty());
            long started = System.nanoTime();
            int atStart = delivered().size();
            // every record but those to the unknown interaction, which are dead-lettered
            int deliverable = records - records / UNKNOWN_EVERY;
            await().atMost(Duration.ofMinutes(3)).until(() -> Set.copyOf(delivered()).size() == deliverable);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("KAFKA-SCALE %d instance(s), %d consumers each, %d partitions: %d records in %.1f s"
                              + " = %.0f records/s%n", instances, CONSUMERS_PER_INSTANCE, PARTITIONS,
                              deliverable - atStart, seconds, (deliverable - atStart) / seconds);
            for (AppProcess app : round0) {
                app.terminate(Duration.ofSeconds(30));
            }
        }
    }

    private AppProcess startInstance(String name, String topic, Map<String, String> more) throws IOException {
        Map<String, String> environment = new HashMap<>();
        environment.put("ALVARIA_KAFKA_ENABLED", "true");
        environment.put("ALVARIA_KAFKA_BROKERS", broker.bootstrapServers());
        environment.put("ALVARIA_KAFKA_TOPIC", topic);
        environment.put("ALVARIA_KAFKA_DEAD_LETTER_TOPIC", topic.replace(topic(), deadLetterTopic()));
        environment.put("ALVARIA_KAFKA_GROUP_ID", "group-" + topic);
        environment.put("ALVARIA_KAFKA_CONSUMERS_COUNT", Integer.toString(CONSUMERS_PER_INSTANCE));
        Map<String, String> properties = new HashMap<>();
        properties.put("alvaria.file.enabled", "false");
        properties.put("camel.main.shutdown-timeout", "10");
        properties.put("alvaria.management.enabled", "false");
        properties.put("alvaria.redelivery.initial-delay", "10");
        properties.put("alvaria.redelivery.maximum-delay", "100");
        // the broker's smallest session timeout: a dead instance's partitions move on within seconds
        properties.put("alvaria.kafka.session-timeout-ms", "6000");
        properties.put("alvaria.kafka.heartbeat-interval-ms", "1000");
        properties.putAll(more);
        Path log = OUTPUT.resolve(testName + "." + name + ".log");
        AppProcess app = AppProcess.start(log, simulator, name, environment, properties);
        apps.add(app);
        return app;
    }

    private String topic() {
        return "chat." + testName;
    }

    private String deadLetterTopic() {
        return "dead." + testName;
    }

    private static String interaction(int i) {
        return "k-" + i;
    }

    private Map<String, String> sendNumbered(int count) throws Exception {
        return sendNumbered(topic(), count);
    }

    /** Records keyed by interaction id, numbered per interaction; returns each record's text and its interaction. */
    private Map<String, String> sendNumbered(String topic, int count) throws Exception {
        Map<String, String> sent = new LinkedHashMap<>();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        Map<String, Integer> sequences = new HashMap<>();
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.bootstrapServers());
        config.put("acks", "all");
        try (KafkaProducer<String, String> producer
                = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String interaction = i % UNKNOWN_EVERY == UNKNOWN_EVERY - 1
                        ? UNKNOWN_INTERACTION : interaction(i % INTERACTIONS);
                int sequence = sequences.merge(interaction, 1, Integer::sum);
                String text = "kafka record " + i + " of " + interaction + " #" + sequence;
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, interaction, text);
                record.headers().add(INTERACTION_ID, interaction.getBytes(StandardCharsets.UTF_8));
                record.headers().add(OPERATION, "sendText".getBytes(StandardCharsets.UTF_8));
                sends.add(producer.send(record));
                sent.put(text, interaction);
            }
            producer.flush();
            // every record is on the topic, or the test stops here: a record the broker never got is no bridge's loss
            for (Future<RecordMetadata> send : sends) {
                send.get(60, TimeUnit.SECONDS);
            }
        }
        return sent;
    }

    private static int sequenceOf(String text) {
        return Integer.parseInt(text.substring(text.lastIndexOf('#') + 1));
    }

    /** The texts the simulator accepted, a text accepted twice twice. */
    private static List<String> delivered() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < INTERACTIONS; i++) {
            simulator.accepted(interaction(i)).forEach(message -> texts.add(message.text()));
        }
        return texts;
    }

    private static int deliveredBy(String sessionId) {
        int count = 0;
        for (int i = 0; i < INTERACTIONS; i++) {
            count += (int) simulator.accepted(interaction(i)).stream()
                    .filter(message -> sessionId.equals(message.sessionId())).count();
        }
        return count;
    }

    /**
     * Waits until every record is delivered or dead-lettered and the group's committed offsets reach the end of every
     * partition; if they do not in time, the failure names the partitions behind and the records missing.
     */
    private void awaitEveryRecordDoneAndCommitted(Set<String> sent) {
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(partitionsBehind()).as("partitions whose committed offset is short of their end").isEmpty();
            Set<String> missing = new TreeSet<>(sent);
            missing.removeAll(union(delivered(), deadLetters().keySet()));
            assertThat(missing).as("records neither delivered nor dead-lettered").isEmpty();
        });
    }

    /** The group's committed offset of every partition is the partition's end: nothing left to consume. */
    private boolean committedEverything() throws Exception {
        return partitionsBehind().isEmpty();
    }

    /** The partitions whose committed offset is short of their end, with both offsets. */
    private Map<Integer, String> partitionsBehind() throws Exception {
        try (Admin admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("group-" + topic())
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int partition = 0; partition < PARTITIONS; partition++) {
                latest.put(new TopicPartition(topic(), partition), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends
                    = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            Map<Integer, String> behind = new TreeMap<>();
            ends.forEach((partition, end) -> {
                OffsetAndMetadata offset = committed.get(partition);
                long at = offset == null ? 0 : offset.offset();
                if (at != end.offset()) {
                    behind.put(partition.partition(), "committed " + at + " of " + end.offset());
                }
            });
            return behind;
        }
    }

    /** The dead-letter topic's records: text -> headers (as UTF-8 text). */
    private Map<String, Map<String, String>> deadLetters() {
        Map<String, Map<String, String>> deadLetters = new HashMap<>();
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.bootstrapServers());
        try (KafkaConsumer<String, String> consumer
                = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int partition = 0; partition < PARTITIONS; partition++) {
                partitions.add(new TopicPartition(deadLetterTopic(), partition));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))
                   && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    Map<String, String> headers = new HashMap<>();
                    for (Header header : record.headers()) {
                        headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
                    }
                    deadLetters.put(record.value(), headers);
                }
            }
        }
        return deadLetters;
    }

    private static Set<String> union(List<String> one, Set<String> other) {
        Set<String> all = new HashSet<>(one);
        all.addAll(other);
        return all;
    }

    private static Set<String> intersection(Set<String> one, Set<String> other) {
        Set<String> both = new HashSet<>(one);
        both.retainAll(other);
        return both;
    }
}
