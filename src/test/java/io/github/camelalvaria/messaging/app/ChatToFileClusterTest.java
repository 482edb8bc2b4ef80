package io.github.camelalvaria.messaging.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * The events route (routes/chat-to-file.yaml) on two app instances in JVMs of their own ({@link AppProcess}) that
 * share an outbox and the folder of camel-file's cluster lock: only the leader runs the events consumer (one streaming
 * session polled, each customer message written once); the leader killed ({@code kill -9}), the other instance takes
 * over, and every customer message written after the takeover is written once. The takeover time is measured from the
 * kill to the new leader's streaming session.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChatToFileClusterTest {

    @RegisterExtension
    static final SecretWatch SECRETS = new SecretWatch();

    private static final Path OUTPUT = Path.of("target/chat-to-file-cluster");
    private static final String INTERACTION = "4321";
    private static final int MESSAGES = 20;
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

    @Test
    void oneInstanceReadsTheEventsAndAnotherTakesOverWhenItIsKilled() throws Exception {
        Path outbox = folder.resolve("outbox");
        Instant started = Instant.now();
        AppProcess first = start("instance-a");
        AppProcess second = start("instance-b");

        // one leader, one streaming session polled
        await().atMost(PATIENCE).until(() -> (leads(first) || leads(second)) && newSession(started) != null);
        AppProcess leader = leads(first) ? first : second;
        AppProcess follower = leader == first ? second : first;
        assertThat(leads(follower)).as("both lead").isFalse();

        List<String> beforeKill = inject("before the kill", MESSAGES);
        await().atMost(PATIENCE).until(() -> written(outbox).size() >= MESSAGES);
        assertThat(written(outbox)).as("each written once, by the leader alone").containsExactlyInAnyOrderElementsOf(beforeKill);
        assertThat(sessionsSince(started)).as("streaming sessions opened").hasSize(1);

        assertThat(leader.kill()).as("exit code of kill -9").isEqualTo(137);
        Instant killed = Instant.now();
        await().atMost(TAKEOVER_BOUND).until(() -> newSession(killed) != null);
        Duration takeover = Duration.between(killed, newSession(killed).createdAt());
        assertThat(leads(follower)).as("the other instance leads").isTrue();

        List<String> afterTakeover = inject("after the takeover", MESSAGES);
        List<String> expected = new ArrayList<>(beforeKill);
        expected.addAll(afterTakeover);
        await().atMost(PATIENCE).until(() -> written(outbox).containsAll(afterTakeover));
        assertThat(written(outbox)).as("every message once").containsExactlyInAnyOrderElementsOf(expected);
        System.out.printf("CHAT-TO-FILE CLUSTER: leader %s killed, events consumer running on the other instance"
                          + " %d ms after the kill (lock interval %d ms, heartbeat timeout multiplier %d); %d + %d"
                          + " customer messages written once each%n", leader == first ? "instance-a" : "instance-b",
                          takeover.toMillis(), LOCK_INTERVAL_MILLIS, HEARTBEAT_TIMEOUT_MULTIPLIER, beforeKill.size(),
                          afterTakeover.size());
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
        await().atMost(PATIENCE).until(() -> written(outbox).containsAll(afterThaw));
        assertThat(written(outbox)).as("every message once").containsExactlyInAnyOrderElementsOf(afterThaw);
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

    /** The texts of the files in the outbox, a text written twice twice. */
    private static List<String> written(Path outbox) throws IOException {
        Path folder = outbox.resolve(INTERACTION);
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
