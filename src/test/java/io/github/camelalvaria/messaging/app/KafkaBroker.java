package io.github.camelalvaria.messaging.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

import static org.awaitility.Awaitility.await;

/**
 * A real Apache Kafka 4 broker in KRaft mode (broker and controller in one node) in a JVM of its own, on loopback, its
 * log in a temporary folder. Its class path is Kafka's own ({@code src/test/kafka-broker/pom.xml}, resolved by the
 * build into {@code target/kafka-broker-classpath.txt}): Kafka 4's client cannot share a class path with the 3.9
 * client camel-kafka brings. Started the way an operator starts one: {@code kafka-storage format}, then
 * {@code kafka-server-start}.
 */
final class KafkaBroker implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(90);

    private final Process process;
    private final String bootstrapServers;
    private final Path output;

    private KafkaBroker(Process process, String bootstrapServers, Path output) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.output = output;
    }

    static KafkaBroker start(Path folder) throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        Path config = folder.resolve("server.properties");
        Files.createDirectories(folder);
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + folder.resolve("data"),
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                // a broker frozen by a test (kill -STOP) must not find itself fenced by its own controller when it
                // goes on: it is the only broker, and its partitions would be leaderless for a while
                "broker.session.timeout.ms=30000",
                ""), StandardCharsets.UTF_8);

        Path formatLog = folder.resolve("format.log");
        Process format = java(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                                      "-c", config.toString()), formatLog).start();
        if (!format.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("kafka-storage format failed: " + Files.readString(formatLog));
        }
        Path output = folder.resolve("broker.log");
        KafkaBroker broker = new KafkaBroker(java(List.of("kafka.Kafka", config.toString()), output).start(),
                                             "127.0.0.1:" + port, output);
        try (Admin admin = broker.admin()) {
            await().atMost(STARTUP).ignoreExceptions()
                    .until(() -> !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty());
        } catch (RuntimeException e) {
            broker.close();
            throw new IllegalStateException("the broker did not start; its output: " + output, e);
        }
        return broker;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * Creates the topics and returns once the broker leads every one of their partitions. A produce that reaches a
     * partition before the broker has taken it up fails with NOT_LEADER_OR_FOLLOWER; an idempotent producer whose next
     * request to that partition was accepted meanwhile then gets OUT_OF_ORDER_SEQUENCE_NUMBER for the first one until
     * it expires, and those records are never written (a Kafka broker defect before 4.5).
     */
    void createTopics(int partitions, String... topics) throws Exception {
        List<NewTopic> newTopics = new ArrayList<>();
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (String topic : topics) {
            newTopics.add(new NewTopic(topic, partitions, (short) 1));
            for (int partition = 0; partition < partitions; partition++) {
                ends.put(new TopicPartition(topic, partition), OffsetSpec.latest());
            }
        }
        try (Admin admin = admin()) {
            admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
            // only a partition's leader answers a ListOffsets request
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> admin.listOffsets(ends).all().get(5, TimeUnit.SECONDS).size() == ends.size());
        }
    }

    /** {@code kill -STOP} for {@code pause}: the broker stands still, as in a long GC pause or a frozen VM. */
    void freeze(Duration pause) throws IOException, InterruptedException {
        Freeze.of(process, pause);
    }

    Properties clientProperties() {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", bootstrapServers);
        return properties;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "Kafka broker on " + bootstrapServers + " (output: " + output + ")";
    }

    private static ProcessBuilder java(List<String> mainAndArguments, Path output) throws IOException {
        String classPathFile = System.getProperty("alvaria.kafka.broker.classpath");
        if (classPathFile == null) {
            throw new IllegalStateException("alvaria.kafka.broker.classpath is not set: run this test with Maven"
                                            + " (mvn verify -Dtest=...), which resolves the broker's class path");
        }
        Path argumentFile = output.resolveSibling(output.getFileName() + ".args");
        List<String> arguments = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                                                         "-Djava.net.preferIPv4Stack=true", "-cp",
                                                         Files.readString(Path.of(classPathFile)).strip()));
        arguments.addAll(mainAndArguments);
        Files.write(argumentFile, arguments.stream().map(argument -> '"' + argument.replace("\\", "\\\\") + '"')
                .toList(), StandardCharsets.UTF_8);
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                  "@" + argumentFile)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
