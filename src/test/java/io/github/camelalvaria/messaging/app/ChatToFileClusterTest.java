package io.github.camelalvaria.messaging.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.camelalvaria.messaging.SecretWatch;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.SessionRecord;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.util.FileUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The events route (routes/chat-to-file.yaml, requireAcknowledgement on) on two app instances in JVMs of their own
 * ({@link AppProcess}) that share an outbox and the folder of camel-file's cluster lock: only the leader runs the events
 * consumer (one streaming session polled, each customer message written once); the leader killed ({@code kill -9}),
 * the other instance takes over the same session, and no customer message is lost. The takeover time is measured from
 * the kill to the new leader's first answered poll of the session.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChatToFileClusterTest {

    @RegisterExtension
    static final SecretWatch SECRETS = new SecretWatch();

    private static final Path OUTPUT = Path.of("target/chat-to-file-cluster");
    private static final String INTERACTION = "4321";
    private static final int MESSAGES = 20;
    /** An interaction whose folder in the outbox the test blocks with a file, so that saving its messages fails. */
    private static final String BLOCKED_INTERACTION = "4322";
    private static final String HELD_MESSAGE = "the customer message the leader holds when it is killed";
    /** The component's default maxEvents: the most events one poll brings, and so out with a leader at once. */
    private static final int MAX_EVENTS = 5;
    private static final Duration INJECTION_INTERVAL = Duration.ofMillis(50);
    private static final Pattern ADOPTED
            = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) INFO +StreamingSession - Adopted the streaming session",
                              Pattern.MULTILINE);
    private static final long LOCK_INTERVAL_MILLIS = 1000;
    private static final int HEARTBEAT_TIMEOUT_MULTIPLIER = 3;
    /** The leader's heartbeat is stale after interval x multiplier; the check runs every interval; then it starts. */
    private static final Duration TAKEOVER_BOUND
            = Duration.ofMillis(LOCK_INTERVAL_MILLIS * (HEARTBEAT_TIMEOUT_MULTIPLIER + 2)).plusSeconds(5);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static AlvariaSimulator simulator;

    @TempDir
    Path folder;

    private final List<AppProcess> apps = new ArrayList<>();

    @BeforeAll
    static void startSimulator() {
        FileUtil.removeDir(OUTPUT.toFile());
        simulator = AlvariaSimulator.start(SimulatorSettings.DEMO.withApiKey("cluster-api-key-3e8f")
                                                   .withClient("cluster-client", "cluster-client-secret-b4d0"));
        SECRETS.secretsOf(simulator);
    }

    @AfterAll
    static void stopSimulatorAndScanTheAppsOutput() {
        simulator.close();
        SECRETS.scanFiles(OUTPUT);
    }

    @AfterEach
    void stopApps() throws Exception {
        for (AppProcess app : apps) {
            app.close();
        }
    }

    /**
     * Customer messages written every 50 ms before, during and after the {@code kill -9} of the leader, one of them
     * held by the leader's route when it dies (its interaction's folder is a file, so saving it fails and the route
     * backs off, its batch unacknowledged), behind a burst the leader saves: the other instance takes over the same
     * streaming session, and every message lands in the outbox. Those written twice are those the dead leader had
     * saved and not yet acknowledged: at most one batch (the session's maxEvents).
     */
    @Test
    void withAcknowledgementNoCustomerMessageIsLostWhenTheLeaderIsKilled() throws Exception {
        Path outbox = folder.resolve("outbox");
        Instant started = Instant.now();
        long sessionsBefore = simulator.sessionsCreated();
        long refusedBefore = simulator.concurrentPollViolations();
        AppProcess first = start("instance-a");
        AppProcess second = start("instance-b");

        // one leader, one streaming session polled
        await().atMost(PATIENCE).until(() -> (leads(first) || leads(second)) && newSession(started) != null);
        AppProcess leader = leads(first) ? first : second;
        AppProcess follower = leader == first ? second : first;
        assertThat(leads(follower)).as("both lead").isFalse();

        Instant killed;
        LocalTime killedClock;
        List<Injected> injected;
        try (Injector stream = new Injector()) {
            await().atMost(PATIENCE).until(() -> written(outbox, INTERACTION).size() >= MESSAGES);
            assertThat(written(outbox, INTERACTION)).as("written once each, by the leader alone").doesNotHaveDuplicates();

            Path blocked = outbox.resolve(BLOCKED_INTERACTION);
            Files.writeString(blocked, "a file where the route wants a folder");
            // a burst, so that the held message comes in one batch after others the leader saves before it fails
            for (int i = 0; i < MAX_EVENTS - 1; i++) {
                stream.injectOne();
            }
            simulator.injectCustomerMessage(BLOCKED_INTERACTION, HELD_MESSAGE);
            await().atMost(PATIENCE).until(() -> leader.output().contains(blocked.toString()));

            killedClock = LocalTime.now();
            killed = Instant.now();
            assertThat(leader.kill()).as("exit code of kill -9").isEqualTo(137);
            Files.delete(blocked);
            await().atMost(TAKEOVER_BOUND).until(() -> leads(follower));
            int atTakeover = stream.count();
            await().atMost(PATIENCE).until(() -> stream.count() >= atTakeover + MESSAGES);
            injected = stream.stop();
        }
        List<String> texts = injected.stream().map(Injected::text).toList();
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(written(outbox, INTERACTION)).as("customer messages in the outbox").containsAll(texts);
            assertThat(written(outbox, BLOCKED_INTERACTION)).as("the message the leader held").contains(HELD_MESSAGE);
        });

        List<String> written = written(outbox, INTERACTION);
        List<String> twice = written.stream().filter(text -> Collections.frequency(written, text) > 1).distinct()
                .toList();
        assertThat(written).as("nothing but what was injected").containsOnlyElementsOf(texts);
        assertThat(written(outbox, BLOCKED_INTERACTION)).as("the message the leader held").containsExactly(HELD_MESSAGE);
        assertThat(twice).as("written twice: saved by the leader, not yet acknowledged at the kill")
                .hasSizeLessThanOrEqualTo(MAX_EVENTS)
                .allSatisfy(text -> assertThat(injectedAt(injected, text)).isBefore(killed));
        assertThat(written).as("each written at most twice").hasSize(texts.size() + twice.size());
        assertThat(simulator.sessionsCreated() - sessionsBefore).as("streaming sessions created").isEqualTo(1);
        assertThat(sessionsSince(started)).as("live streaming sessions").hasSize(1);
        LocalTime adopted = adoptedAt(follower);
        assertThat(adopted).as("the other instance adopted the session").isNotNull();
        long takeover = Duration.between(killedClock, adopted).toMillis();
        System.out.printf("CHAT-TO-FILE CLUSTER: leader %s killed, its streaming session adopted by the other instance"
                          + " (first poll answered) %d ms after the kill, %d polls refused 409 meanwhile (lock"
                          + " interval %d ms, heartbeat timeout multiplier %d); %d customer messages written every"
                          + " %d ms, none lost, %d written twice; 1 session%n",
                          leader == first ? "instance-a" : "instance-b", takeover,
                          simulator.concurrentPollViolations() - refusedBefore, LOCK_INTERVAL_MILLIS,
                          HEARTBEAT_TIMEOUT_MULTIPLIER, texts.size() + 1, INJECTION_INTERVAL.toMillis(), twice.size());
    }

    /**
     * A leader that stands still longer than the heartbeat timeout (a GC pause, a frozen VM) still holds the file
     * lock: the operating system keeps it for the frozen process, so the other instance cannot take over, and on
     * waking the leader goes on. No second events consumer, no message written twice.
     */
    @Test
    void aFrozenLeaderKeepsTheLockAndNoMessageIsWrittenTwice() throws Exception {
        Path outbox = folder.resolve("outbox");
        Instant started = Instant.now();
        AppProcess first = start("frozen-a");
        AppProcess second = start("frozen-b");
        await().atMost(PATIENCE).until(() -> (leads(first) || leads(second)) && newSession(started) != null);
        AppProcess leader = leads(first) ? first : second;
        AppProcess follower = leader == first ? second : first;

        leader.freeze(Duration.ofMillis(LOCK_INTERVAL_MILLIS * (HEARTBEAT_TIMEOUT_MULTIPLIER + 2)));
        List<String> afterThaw = inject("after the freeze", MESSAGES);
        await().atMost(PATIENCE).until(() -> written(outbox, INTERACTION).containsAll(afterThaw));
        assertThat(written(outbox, INTERACTION)).as("every message once").containsExactlyInAnyOrderElementsOf(afterThaw);
        assertThat(leads(follower)).as("the other instance took the lock").isFalse();
        assertThat(leader.output()).doesNotContain("lost (lock=");
        assertThat(sessionsSince(started)).as("streaming sessions opened").hasSize(1);
    }

    private AppProcess start(String name) throws IOException {
        Map<String, String> properties = new HashMap<>();
        properties.put("alvaria.file.enabled", "false");
        properties.put("camel.main.shutdown-timeout", "10");
        properties.put("alvaria.management.enabled", "false");
        properties.put("alvaria.chat-out.folder", folder.resolve("outbox").toString());
        properties.put("alvaria.chat-out.require-acknowledgement", "true");
        properties.put("alvaria.cluster.file.root", folder.resolve("cluster").toString());
        properties.put("alvaria.cluster.file.acquire-lock-interval-ms", Long.toString(LOCK_INTERVAL_MILLIS));
        properties.put("alvaria.cluster.file.heartbeat-timeout-multiplier",
                       Integer.toString(HEARTBEAT_TIMEOUT_MULTIPLIER));
        AppProcess app = AppProcess.start(OUTPUT.resolve(name + ".log"), simulator, name,
                                          Map.of("ALVARIA_CHAT_OUT_ENABLED", "true"), properties);
        apps.add(app);
        return app;
    }

    /** camel-file's cluster view says so in the instance's log when it takes the lock. */
    private static boolean leads(AppProcess app) {
        return app.output().contains("Lock on file") && app.output().contains(" acquired (lock=");
    }

    /** The first live streaming session opened after that moment (an earlier test's may still be live), or null. */
    private static SessionRecord newSession(Instant after) {
        return sessionsSince(after).stream().findFirst().orElse(null);
    }

    private static List<SessionRecord> sessionsSince(Instant after) {
        return simulator.sessions().stream().filter(session -> session.createdAt().isAfter(after)).toList();
    }

    private static List<String> inject(String phase, int count) {
        List<String> texts = IntStream.range(0, count).mapToObj(i -> "customer message " + i + " " + phase).toList();
        texts.forEach(text -> simulator.injectCustomerMessage(INTERACTION, text));
        return texts;
    }

    /** When the instance's log says it adopted the stored streaming session (its first poll answered), or null. */
    private static LocalTime adoptedAt(AppProcess app) {
        return ADOPTED.matcher(app.output()).results().findFirst().map(line -> LocalTime.parse(line.group(1)))
                .orElse(null);
    }

    private static Instant injectedAt(List<Injected> injected, String text) {
        return injected.stream().filter(message -> message.text().equals(text)).findFirst().orElseThrow().at();
    }

    /** A customer message of the stream, and a moment before the simulator queued it. */
    private record Injected(String text, Instant at) {
    }

    /** Writes a customer message into the simulator every {@link #INJECTION_INTERVAL} until stopped. */
    private static final class Injector implements AutoCloseable {

        private final List<Injected> injected = Collections.synchronizedList(new ArrayList<>());
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        Injector() {
            timer.scheduleAtFixedRate(this::injectOne, 0, INJECTION_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }

        synchronized void injectOne() {
            Injected message = new Injected("customer message " + injected.size() + " of the stream", Instant.now());
            simulator.injectCustomerMessage(INTERACTION, message.text());
            injected.add(message);
        }

        int count() {
            return injected.size();
        }

        /** Stops writing and returns what was written. */
        List<Injected> stop() throws InterruptedException {
            timer.shutdown();
            assertThat(timer.awaitTermination(10, TimeUnit.SECONDS)).as("the injector stopped").isTrue();
            return List.copyOf(injected);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** The texts of the files in the interaction's folder of the outbox, a text written twice twice. */
    private static List<String> written(Path outbox, String interactionId) throws IOException {
        Path folder = outbox.resolve(interactionId);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<String> texts = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(file -> !file.getFileName().toString().startsWith(".")).toList()) {
                texts.add(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return texts;
    }
}
