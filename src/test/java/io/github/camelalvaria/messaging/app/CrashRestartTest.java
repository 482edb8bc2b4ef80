package io.github.camelalvaria.messaging.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.camelalvaria.messaging.SecretWatch;
import io.github.camelalvaria.messaging.simulator.AcceptedMessage;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.Faults;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.util.FileUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.INTERACTION_ID;
import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.OPERATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The app as a process of its own ({@link AppProcess}), stopped the two ways processes stop, then started again.
 * {@code kill -9} in the middle of a queue run and of a file run: nothing is lost (the queue bridge consumes in a JMS
 * transaction from a broker with a persistent journal, which is itself restarted from that journal; the file bridge
 * moves a file out of the inbox only once it is delivered), and what is sent twice is exactly what was in flight,
 * never more than the bridge's in-flight bound. SIGTERM: the in-flight messages are finished within the shutdown
 * timeout, nothing is half done, nothing is sent twice. The simulator answers slowly, so that messages are in flight
 * when the signal lands, and counts what it accepts: a duplicate is a message text accepted twice.
 *
 * <p>Every app JVM logs at DEBUG (Camel included) through the shipped logging configuration; its whole output is
 * scanned for the tenant's api key, client secret and access tokens.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CrashRestartTest {

    @RegisterExtension
    static final SecretWatch SECRETS = new SecretWatch();

    private static final Path OUTPUT = Path.of("target/crash-restart");
    private static final String INTERACTION = "4321";
    /** The queue bridge's concurrent consumers and the file bridge's max-in-flight: the most messages in flight. */
    private static final int IN_FLIGHT = 4;
    private static final int CRASH_MESSAGES = 300;
    private static final int SHUTDOWN_MESSAGES = 40;
    private static final int SHUTDOWN_TIMEOUT_SECONDS = 10;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static AlvariaSimulator simulator;

    @TempDir
    Path folder;

    private final List<AppProcess> apps = new ArrayList<>();
    private final List<EmbeddedArtemis> brokers = new ArrayList<>();
    private String testName;

    @BeforeAll
    static void startSimulator() {
        FileUtil.removeDir(OUTPUT.toFile());
        simulator = AlvariaSimulator.start(SimulatorSettings.DEMO.withApiKey("crash-api-key-5d1a")
                                                   .withClient("crash-client", "crash-client-secret-c07e"));
        SECRETS.secretsOf(simulator);
    }

    @AfterAll
    static void stopSimulatorAndScanTheAppsOutput() {
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
    void stopAppsAndBrokers() throws Exception {
        for (AppProcess app : apps) {
            app.close();
        }
        for (EmbeddedArtemis broker : brokers) {
            broker.close();
        }
        // the scan of the apps' output is worth something only if they logged their requests at DEBUG
        assertThat(apps).allSatisfy(app -> assertThat(app.output()).as("the app's DEBUG line per request")
                .contains("DEBUG MessagingClient - "));
    }

    @Test
    void killedMidQueueRunTheRestartDeliversEveryMessageAndOnlyTheInFlightOnesTwice() throws Exception {
        Path journal = folder.resolve("broker");
        EmbeddedArtemis broker = startBroker(journal);
        List<String> sent = sendNumbered(broker, CRASH_MESSAGES);
        simulator.setFaults(Faults.NONE.withLatency(40));

        AppProcess first = startQueueBridge("first-run", broker);
        await().atMost(PATIENCE).until(() -> delivered().size() >= CRASH_MESSAGES / 3);
        assertThat(first.kill()).as("exit code of kill -9").isEqualTo(137);
        int deliveredAtKill = delivered().size();
        // the calls the dead app had in flight are still answered, into closed connections: the ambiguous case
        await().atMost(PATIENCE).until(() -> simulator.callsInFlight() == 0);

        // the broker goes down too and comes back from its journal
        broker.close();
        brokers.remove(broker);
        EmbeddedArtemis restarted = startBroker(journal);
        List<String> waiting = waitingOn(restarted);
        Set<String> sentAgain = intersection(waiting, delivered());
        assertThat(union(waiting, delivered())).as("delivered or still on the queue").isEqualTo(Set.copyOf(sent));
        assertThat(sentAgain).as("delivered, but killed before the commit").hasSizeLessThanOrEqualTo(IN_FLIGHT);

        simulator.setFaults(Faults.NONE);
        AppProcess second = startQueueBridge("second-run", restarted);
        await().atMost(PATIENCE).until(() -> restarted.messageCount(queue()) == 0
                                             && Set.copyOf(delivered()).size() == CRASH_MESSAGES);
        assertThat(second.terminate(Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS + 5))).isEqualTo(143);

        List<String> delivered = delivered();
        assertThat(Set.copyOf(delivered)).isEqualTo(Set.copyOf(sent));
        assertThat(duplicates(delivered)).as("messages sent twice").isEqualTo(sentAgain);
        assertThat(first.mostCallsAtOnce()).isLessThanOrEqualTo(IN_FLIGHT);
        assertThat(second.mostCallsAtOnce()).isLessThanOrEqualTo(IN_FLIGHT);
        assertThat(restarted.messageCount(queue() + ".dead")).isZero();
        report("queue, kill -9", delivered, deliveredAtKill, sentAgain, "");
    }

    @Test
    void killedMidFileRunEveryFileIsInTheInboxOrDoneAndTheRestartFinishesThem() throws Exception {
        Path inbox = folder.resolve("inbox");
        List<String> sent = dropNumbered(inbox, CRASH_MESSAGES);
        simulator.setFaults(Faults.NONE.withLatency(40));

        AppProcess first = startFileBridge("first-run", inbox);
        await().atMost(PATIENCE).until(() -> delivered().size() >= CRASH_MESSAGES / 3);
        assertThat(first.kill()).as("exit code of kill -9").isEqualTo(137);
        int deliveredAtKill = delivered().size();
        await().atMost(PATIENCE).until(() -> simulator.callsInFlight() == 0);

        // no lock file, half-moved file or anything else left behind: each file waiting (in the inbox, or in
        // .inflight/, which the next start puts back) or in .done, once
        Set<String> waiting = waiting(inbox);
        Set<String> done = texts(inbox.resolve(".done"));
        assertThat(namesIn(inbox)).as("what the kill left in the inbox").allMatch(name -> name.endsWith(".txt"));
        assertThat(namesIn(inbox.resolve(".inflight"))).as("what the kill left in .inflight")
                .allMatch(name -> name.endsWith(".txt"));
        assertThat(intersection(waiting, done)).isEmpty();
        assertThat(union(waiting, done)).as("waiting or done").isEqualTo(Set.copyOf(sent));
        assertThat(delivered()).containsAll(done);
        Set<String> sentAgain = intersection(waiting, delivered());
        assertThat(sentAgain).as("delivered, but killed before the move").hasSizeLessThanOrEqualTo(IN_FLIGHT);

        simulator.setFaults(Faults.NONE);
        AppProcess second = startFileBridge("second-run", inbox);
        await().atMost(PATIENCE).until(() -> nothingWaiting(inbox)
                                             && Set.copyOf(delivered()).size() == CRASH_MESSAGES);
        assertThat(second.terminate(Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS + 5))).isEqualTo(143);

        List<String> delivered = delivered();
        assertThat(texts(inbox.resolve(".done"))).isEqualTo(Set.copyOf(sent));
        assertThat(Set.copyOf(delivered)).isEqualTo(Set.copyOf(sent));
        assertThat(duplicates(delivered)).as("files sent twice").isEqualTo(sentAgain);
        assertThat(first.mostCallsAtOnce()).isLessThanOrEqualTo(IN_FLIGHT);
        assertThat(second.mostCallsAtOnce()).isLessThanOrEqualTo(IN_FLIGHT);
        assertThat(inbox.resolve(".failed")).doesNotExist();
        report("file, kill -9", delivered, deliveredAtKill, sentAgain, "");
    }

    @Test
    void sigtermMidQueueRunFinishesTheInFlightMessagesAndLeavesTheRestOnTheQueue() throws Exception {
        EmbeddedArtemis broker = startBroker(folder.resolve("broker"));
        List<String> sent = sendNumbered(broker, SHUTDOWN_MESSAGES);
        simulator.setFaults(Faults.NONE.withLatency(500));

        AppProcess first = startQueueBridge("first-run", broker);
        await().atMost(PATIENCE).until(() -> delivered().size() >= IN_FLIGHT && simulator.callsInFlight() > 0);
        long signalled = System.nanoTime();
        int exitCode = first.terminate(Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS + 5));
        Duration shutdown = Duration.ofNanos(System.nanoTime() - signalled);

        assertThat(exitCode).as("exit code after SIGTERM").isEqualTo(143);
        assertThat(shutdown).isLessThan(Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS));
        assertGracefulShutdown(first);
        assertThat(simulator.callsInFlight()).as("calls left unanswered").isZero();
        List<String> waiting = waitingOn(broker);
        assertThat(intersection(waiting, delivered())).as("delivered and still on the queue").isEmpty();
        assertThat(union(waiting, delivered())).isEqualTo(Set.copyOf(sent));
        assertThat(waiting).as("left for the next start").isNotEmpty();

        simulator.setFaults(Faults.NONE);
        assertThat(first.mostCallsAtOnce()).isLessThanOrEqualTo(IN_FLIGHT);
        startQueueBridge("second-run", broker);
        await().atMost(PATIENCE).until(() -> broker.messageCount(queue()) == 0
                                             && delivered().size() >= SHUTDOWN_MESSAGES);
        assertThat(delivered()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
        report("queue, SIGTERM", delivered(), sent.size() - waiting.size(), Set.of(),
               ", shut down in " + shutdown.toMillis() + " ms");
    }

    @Test
    void sigtermMidFileRunFinishesTheInFlightFilesAndLeavesTheRestInTheInbox() throws Exception {
        Path inbox = folder.resolve("inbox");
        List<String> sent = dropNumbered(inbox, SHUTDOWN_MESSAGES);
        simulator.setFaults(Faults.NONE.withLatency(500));

        AppProcess first = startFileBridge("first-run", inbox);
        await().atMost(PATIENCE).until(() -> delivered().size() >= IN_FLIGHT && simulator.callsInFlight() > 0);
        long signalled = System.nanoTime();
        int exitCode = first.terminate(Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS + 5));
        Duration shutdown = Duration.ofNanos(System.nanoTime() - signalled);

        assertThat(exitCode).as("exit code after SIGTERM").isEqualTo(143);
        assertThat(shutdown).isLessThan(Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS));
        assertGracefulShutdown(first);
        assertThat(simulator.callsInFlight()).as("calls left unanswered").isZero();
        Set<String> waiting = waiting(inbox);
        assertThat(namesIn(inbox)).allMatch(name -> name.endsWith(".txt"));
        assertThat(texts(inbox.resolve(".done"))).as("done is exactly what was delivered")
                .isEqualTo(Set.copyOf(delivered()));
        assertThat(union(waiting, delivered())).isEqualTo(Set.copyOf(sent));
        assertThat(waiting).as("left for the next start").isNotEmpty();

        simulator.setFaults(Faults.NONE);
        assertThat(first.mostCallsAtOnce()).isLessThanOrEqualTo(IN_FLIGHT);
        startFileBridge("second-run", inbox);
        await().atMost(PATIENCE).until(() -> nothingWaiting(inbox) && delivered().size() >= SHUTDOWN_MESSAGES);
        assertThat(delivered()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
        report("file, SIGTERM", delivered(), sent.size() - waiting.size(), Set.of(),
               ", shut down in " + shutdown.toMillis() + " ms");
    }

    private EmbeddedArtemis startBroker(Path journal) throws Exception {
        EmbeddedArtemis broker = EmbeddedArtemis.persistent(journal);
        brokers.add(broker);
        return broker;
    }

    private String queue() {
        return "outbound." + testName;
    }

    private AppProcess startQueueBridge(String run, EmbeddedArtemis broker) throws IOException {
        Map<String, String> properties = commonProperties();
        properties.put("alvaria.file.enabled", "false");
        properties.put("alvaria.jms.queue", queue());
        properties.put("alvaria.jms.dead-letter-queue", queue() + ".dead");
        properties.put("alvaria.jms.concurrent-consumers", Integer.toString(IN_FLIGHT));
        return start(run, Map.of("ALVARIA_JMS_ENABLED", "true", "ALVARIA_JMS_BROKER_URL", broker.url()), properties);
    }

    private AppProcess startFileBridge(String run, Path inbox) throws IOException {
        Map<String, String> properties = commonProperties();
        properties.put("alvaria.file.inbox", inbox.toString());
        properties.put("alvaria.file.interaction-id", INTERACTION);
        properties.put("alvaria.file.max-in-flight", Integer.toString(IN_FLIGHT));
        return start(run, Map.of(), properties);
    }

    private Map<String, String> commonProperties() {
        Map<String, String> properties = new HashMap<>();
        properties.put("camel.main.shutdown-timeout", Integer.toString(SHUTDOWN_TIMEOUT_SECONDS));
        properties.put("alvaria.dead-letter.default-uri", "file:" + folder.resolve("dead-letter"));
        properties.put("alvaria.redelivery.initial-delay", "10");
        properties.put("alvaria.redelivery.maximum-delay", "100");
        return properties;
    }

    private AppProcess start(String run, Map<String, String> environment, Map<String, String> properties)
            throws IOException {
        Path log = OUTPUT.resolve(testName + "." + run + ".log");
        AppProcess app = AppProcess.start(log, simulator, run, environment, properties);
        apps.add(app);
        return app;
    }

    private List<String> sendNumbered(EmbeddedArtemis broker, int count) {
        List<String> sent = numbered(count);
        broker.sendAll(queue(), sent, Map.of(OPERATION, "sendText", INTERACTION_ID, INTERACTION));
        return sent;
    }

    /** Each written to a .part file, then renamed, as README asks of whatever feeds the inbox. */
    private List<String> dropNumbered(Path inbox, int count) throws IOException {
        Files.createDirectories(inbox);
        List<String> sent = numbered(count);
        for (int i = 0; i < count; i++) {
            Path part = Files.writeString(inbox.resolve("message-" + i + ".txt.part"), sent.get(i));
            Files.move(part, inbox.resolve("message-" + i + ".txt"));
        }
        return sent;
    }

    private List<String> numbered(int count) {
        return IntStream.range(0, count).mapToObj(i -> testName + " message " + i).toList();
    }

    /** The messages on the queue, once the broker has every one back that the dead app held. */
    private List<String> waitingOn(EmbeddedArtemis broker) throws Exception {
        await().atMost(PATIENCE).until(() -> broker.deliveringCount(queue()) == 0
                                             && broker.browse(queue()).size() == broker.messageCount(queue()));
        return broker.browse(queue());
    }

    /** Every message text the simulator accepted in this test, a text accepted twice twice. */
    private static List<String> delivered() {
        return simulator.accepted(INTERACTION).stream().map(AcceptedMessage::text).toList();
    }

    private static Set<String> duplicates(List<String> delivered) {
        Set<String> seen = new HashSet<>();
        Set<String> twice = new HashSet<>();
        delivered.forEach(text -> {
            if (!seen.add(text)) {
                twice.add(text);
            }
        });
        return twice;
    }

    /** The names of the regular files directly in the folder, hidden ones included. */
    private static Set<String> namesIn(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return new HashSet<>(files.filter(Files::isRegularFile).map(file -> file.getFileName().toString())
                                         .toList());
        }
    }

    /** What is still to be sent: in the inbox, or in .inflight/, which a start puts back into the inbox. */
    private static Set<String> waiting(Path inbox) throws IOException {
        return union(texts(inbox), texts(inbox.resolve(".inflight")));
    }

    /** By names only: the running app moves the files while this looks. */
    private static boolean nothingWaiting(Path inbox) throws IOException {
        return namesIn(inbox).isEmpty() && namesIn(inbox.resolve(".inflight")).isEmpty();
    }

    private static Set<String> texts(Path folder) throws IOException {
        Set<String> texts = new HashSet<>();
        for (String name : namesIn(folder)) {
            texts.add(Files.readString(folder.resolve(name), StandardCharsets.UTF_8));
        }
        return texts;
    }

    private static Set<String> intersection(Collection<String> one, Collection<String> other) {
        Set<String> both = new HashSet<>(one);
        both.retainAll(new HashSet<>(other));
        return both;
    }

    private static Set<String> union(Collection<String> one, Collection<String> other) {
        Set<String> all = new HashSet<>(one);
        all.addAll(other);
        return all;
    }

    /** camel-main stopped every route within its timeout, nothing forced. */
    private static void assertGracefulShutdown(AppProcess app) {
        assertThat(app.output()).contains("Graceful shutdown of")
                .doesNotContain("Timeout occurred during graceful shutdown");
    }

    /** One line for README's figures. */
    private void report(String run, List<String> delivered, int deliveredAtStop, Set<String> sentAgain,
            String shutdown) {
        System.out.printf("CRASH-RESTART %s: %d messages, stopped after %d delivered, %d delivered in all,"
                          + " %d duplicates, most calls at once %s%s%n", run, Set.copyOf(delivered).size(),
                          deliveredAtStop, delivered.size(), sentAgain.size(),
                          apps.stream().map(app -> Integer.toString(app.mostCallsAtOnce())).toList(), shutdown);
    }
}
