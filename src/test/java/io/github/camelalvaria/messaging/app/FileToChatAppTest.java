package io.github.camelalvaria.messaging.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelalvaria.messaging.simulator.AcceptedMessage;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.Faults;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.util.FileUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The app as the run command starts it: camel-main with the root application.properties, routes/ and this package's
 * configuration, the embedded simulator as the target; only the folders and the simulator's port are moved.
 */
@CamelMainTest(propertyPlaceholderLocations = AlvariaMessagingApplication.PROPERTIES,
               properties = {
                       "alvaria.simulator.port=0",
                       "alvaria.file.inbox=target/app-test/inbox",
                       // room for a fifth file while four wait out a Retry-After (filesWaitingOutARetryAfter...)
                       "alvaria.file.max-in-flight=8",
                       // ... and no rate-limit gate, which would make the fifth file wait out the tenant's window
                       // by design: that test is about the threads of the redelivery, RateLimitGateTest about the gate
                       "camel.component.alvaria-messaging.rate-limit-gate=false",
                       "alvaria.java-file.enabled=true",
                       "alvaria.java-file.inbox=target/app-test/inbox-java",
                       "alvaria.dead-letter.default-uri=file:target/app-test/dead-letter",
                       "alvaria.redelivery.initial-delay=10",
                       "alvaria.redelivery.maximum-delay=50",
                       "alvaria.redelivery.maximum-redeliveries=8" })
class FileToChatAppTest {

    private static final Path ROOT = Path.of("target/app-test");
    private static final Path INBOX = ROOT.resolve("inbox");
    private static final Path JAVA_INBOX = ROOT.resolve("inbox-java");

    static {
        FileUtil.removeDir(ROOT.toFile());
    }

    @BeanInject
    CamelContext context;

    private final ObjectMapper json = new ObjectMapper();

    private AlvariaSimulator simulator() {
        return context.getRegistry().lookupByNameAndType("alvariaSimulator", AlvariaSimulator.class);
    }

    @AfterEach
    void faultsOff() {
        simulator().setFaults(Faults.NONE);
    }

    @Test
    void whatIsSwitchedOffCreatesNoComponentOfItsOwn() {
        // switched off, the queue, Kafka, mail and events bridges and the management server with its metrics cost
        // the start nothing: no component, no client, no Vert.x
        assertThat(context.getComponentNames()).contains("file", "alvaria-messaging")
                .doesNotContain("jms", "kafka", "imap", "imaps", "smtp", "master", "micrometer", "platform-http");
        assertThat(context.getRegistry().lookupByName(ManagementVertxConfiguration.BEAN)).as("a Vert.x").isNull();
    }

    @Test
    void theSampleMessagesAreDeliveredWithinSeconds() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(simulator().accepted("4321")).extracting(AcceptedMessage::text).contains(
                    "Hello! This message was posted by the camel-alvaria-messaging file bridge.");
            assertThat(simulator().accepted("4321")).extracting(AcceptedMessage::url)
                    .contains("https://www.alvaria.com");
            assertThat(simulator().accepted("4322")).singleElement().satisfies(message -> {
                assertThat(message.text()).isEqualTo("Your order #1042 has shipped and arrives on Thursday.");
                assertThat(message.entityName()).isEqualTo("Order Bot");
                assertThat(message.entityType()).isEqualTo("System");
            });
            assertThat(INBOX.resolve(".done/welcome.txt")).exists();
            assertThat(INBOX.resolve(".done/help-center.url")).exists();
        });
    }

    @Test
    void aFileTheApiRejectsIsMovedToFailedWithItsReason() throws Exception {
        drop(INBOX, "unknown.txt", "Interaction: 9999\n\nnobody is listening");

        Path failed = INBOX.resolve(".failed/unknown.txt");
        Path reason = INBOX.resolve(".failed/unknown.txt.error.json");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(failed) && Files.exists(reason));
        JsonNode error = json.readTree(reason.toFile());
        assertThat(error.path("status").asInt()).isEqualTo(404);
        assertThat(error.path("reason").asText()).isEqualTo("rejected");
        assertThat(error.path("message").asText()).contains("HTTP 404").contains("9999");
        assertThat(error.path("attempts").asInt()).isEqualTo(1);
        assertThat(Files.readString(failed)).contains("nobody is listening");
        assertThat(INBOX.resolve(".done/unknown.txt")).doesNotExist();
    }

    @Test
    void withFaultsEveryFileIsDeliveredOnceOrDeadLettered() throws Exception {
        simulator().setFaults(Faults.NONE.withUnavailable(0.2, 0).withServerErrors(0.1).withTooManyRequests(0.1, 0));
        List<String> texts = IntStream.range(0, 40).mapToObj(i -> "fault-run message " + i).toList();
        for (int i = 0; i < texts.size(); i++) {
            drop(INBOX, "fault-" + i + ".txt", "Interaction: 4322\n\n" + texts.get(i));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> count(INBOX.resolve(".done"), "fault-")
                                                            + count(INBOX.resolve(".failed"), "fault-") >= 40);
        List<String> delivered = simulator().accepted("4322").stream().map(AcceptedMessage::text)
                .filter(text -> text.startsWith("fault-run")).toList();
        long failed = count(INBOX.resolve(".failed"), "fault-") / 2; // the file and its .error.json
        assertThat(delivered).doesNotHaveDuplicates();
        assertThat(delivered.size() + failed).isEqualTo(40);
        assertThat(count(INBOX.resolve(".done"), "fault-")).isEqualTo(delivered.size());
        assertThat(count(INBOX, "fault-")).isZero();
    }

    @Test
    void aFaultThatOutlastsTheRedeliveriesIsDeadLetteredWithTheAttempts() throws Exception {
        simulator().setFaults(Faults.NONE.withUnavailable(1.0, 0));
        drop(INBOX, "down.txt", "the service is down");

        Path reason = INBOX.resolve(".failed/down.txt.error.json");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(reason));
        JsonNode error = json.readTree(reason.toFile());
        assertThat(error.path("status").asInt()).isEqualTo(503);
        assertThat(error.path("reason").asText()).isEqualTo("retries-exhausted");
        assertThat(error.path("attempts").asInt()).isEqualTo(9);
    }

    @Test
    void aRetryAfterFromTheServerWinsOverTheBackoff() throws Exception {
        // the samples first, so that the only refusal is this file's
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator().record().acceptedCount() >= 3);
        simulator().setFaults(Faults.NONE.withTooManyRequests(1.0, 1));
        drop(INBOX, "later.txt", "Interaction: 4322\n\nasked to wait");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> simulator().record().refused(429) >= 1);
        simulator().setFaults(Faults.NONE);

        await().atMost(Duration.ofSeconds(10)).until(() -> simulator().accepted("4322").stream()
                .anyMatch(message -> "asked to wait".equals(message.text())));
        // both times the simulator's, so that the test's own polling (late on a loaded machine) does not count
        Instant refused = simulator().interaction("4322").orElseThrow().failed().stream()
                .filter(call -> "asked to wait".equals(call.text()) && Integer.valueOf(429).equals(call.status()))
                .findFirst().orElseThrow().receivedAt();
        Instant accepted = simulator().accepted("4322").stream()
                .filter(message -> "asked to wait".equals(message.text())).findFirst().orElseThrow().receivedAt();
        // the configured backoff here is 10 to 50 ms: only the server's Retry-After explains a wait near a second
        assertThat(Duration.between(refused, accepted)).isGreaterThan(Duration.ofMillis(700));
    }

    /**
     * The redelivery wait is scheduled, not slept on the thread that got the refusal, which is one of the HTTP
     * client's two I/O threads: four files waiting out a 5 s Retry-After (over four connections, two on each I/O
     * thread) must not hold up a fifth file for those 5 s (the class allows 8 files in flight, so the bridge's own
     * bound is not what holds it).
     */
    @Test
    void filesWaitingOutARetryAfterDoNotHoldUpOthers() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator().record().acceptedCount() >= 3);
        simulator().setFaults(Faults.NONE.withTooManyRequests(1.0, 5));
        for (int i = 0; i < 4; i++) {
            drop(INBOX, "waiting-" + i + ".txt", "Interaction: 4322\n\nwaiting " + i);
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> simulator().record().refused(429) >= 4);
        Instant refused = Instant.now();
        simulator().setFaults(Faults.NONE);

        drop(INBOX, "not-waiting.txt", "Interaction: 4322\n\nnot waiting");
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator().accepted("4322").stream()
                .anyMatch(message -> "not waiting".equals(message.text())));
        Instant accepted = simulator().accepted("4322").stream()
                .filter(message -> "not waiting".equals(message.text())).findFirst().orElseThrow().receivedAt();
        assertThat(Duration.between(refused, accepted)).isLessThan(Duration.ofSeconds(4));
        await().atMost(Duration.ofSeconds(15)).until(() -> count(INBOX.resolve(".done"), "waiting-") == 4);
    }

    /**
     * A writer renames a new status.txt over the one waiting out a Retry-After: the bridge took the first out of the
     * inbox when it began it, so the second is a file of its own, delivered after it; .done/ holds both texts.
     */
    @Test
    void aFileReplacedUnderTheSameNameWhileTheFirstIsInFlightIsDeliveredToo() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator().record().acceptedCount() >= 3);
        simulator().setFaults(Faults.NONE.withTooManyRequests(1.0, 2));
        drop(INBOX, "status.txt", "Interaction: 4322\n\nstatus: first");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> simulator().record().refused(429) >= 1);
        simulator().setFaults(Faults.NONE);
        drop(INBOX, "status.txt", "Interaction: 4322\n\nstatus: second");

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(simulator().accepted("4322"))
                .extracting(AcceptedMessage::text).contains("status: first", "status: second"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(contents(INBOX.resolve(".done"), "status"))
                .containsExactlyInAnyOrder("Interaction: 4322\n\nstatus: first", "Interaction: 4322\n\nstatus: second"));
        assertThat(simulator().accepted("4322")).extracting(AcceptedMessage::text)
                .filteredOn(text -> text.startsWith("status: ")).hasSize(2);
        assertThat(INBOX.resolve("status.txt")).doesNotExist();
    }

    /** Nothing is deleted: a second file of a name already in .done/ or .failed/ is kept beside the first. */
    @Test
    void filesOfTheSameNameKeepEachTheirOwnRecordInDoneAndFailed() throws Exception {
        drop(INBOX, "dup.txt", "Interaction: 9999\n\nfirst dup");
        await().atMost(Duration.ofSeconds(10)).until(() -> count(INBOX.resolve(".failed"), "dup") == 2);
        drop(INBOX, "dup.txt", "Interaction: 9998\n\nsecond dup");
        await().atMost(Duration.ofSeconds(10)).until(() -> count(INBOX.resolve(".failed"), "dup") == 4);
        assertThat(contents(INBOX.resolve(".failed"), "dup")).filteredOn(text -> !text.startsWith("{"))
                .containsExactlyInAnyOrder("Interaction: 9999\n\nfirst dup", "Interaction: 9998\n\nsecond dup");
        // each dead letter's .error.json is the one beside it
        try (Stream<Path> files = Files.list(INBOX.resolve(".failed"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("dup")
                                               && !f.toString().endsWith(".error.json")).toList()) {
                String interaction = Files.readString(file).contains("9999") ? "9999" : "9998";
                assertThat(json.readTree(file.resolveSibling(file.getFileName() + ".error.json").toFile())
                                   .path("message").asText()).contains(interaction);
            }
        }

        drop(INBOX, "twice.txt", "Interaction: 4322\n\ntwice, first");
        await().atMost(Duration.ofSeconds(10)).until(() -> count(INBOX.resolve(".done"), "twice") == 1);
        drop(INBOX, "twice.txt", "Interaction: 4322\n\ntwice, second");
        await().atMost(Duration.ofSeconds(10)).until(() -> count(INBOX.resolve(".done"), "twice") == 2);
        assertThat(contents(INBOX.resolve(".done"), "twice")).containsExactlyInAnyOrder(
                "Interaction: 4322\n\ntwice, first", "Interaction: 4322\n\ntwice, second");
    }

    /** A file's name is never read as URI syntax: each keeps its name in .done/, and in .failed/ its .error.json. */
    @Test
    void namesWithUriCharactersAreFiledUnderTheirOwnNames() throws Exception {
        List<String> names = List.of("a&b.txt", "why?.txt", "100%.txt", "#tag.txt", "k=v.txt", "a+b.txt",
                                     "with space.txt", "a%26b.txt");
        for (String name : names) {
            drop(INBOX, "failing " + name, "Interaction: 9999\n\n" + name);
            drop(INBOX, "delivered " + name, "Interaction: 4322\n\n" + name);
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String name : names) {
                assertThat(INBOX.resolve(".failed/failing " + name)).exists();
                assertThat(INBOX.resolve(".failed/failing " + name + ".error.json")).exists();
                assertThat(INBOX.resolve(".done/delivered " + name)).exists();
            }
        });
        for (String name : names) {
            assertThat(json.readTree(INBOX.resolve(".failed/failing " + name + ".error.json").toFile())
                               .path("status").asInt()).isEqualTo(404);
        }
        assertThat(count(INBOX, "failing ") + count(INBOX, "delivered ")).isZero();
    }

    @Test
    void theJavaDslTwinDeliversToo() throws Exception {
        drop(JAVA_INBOX, "java.txt", "from the Java DSL route");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(simulator().accepted("4321")).extracting(AcceptedMessage::text)
                    .contains("from the Java DSL route");
            assertThat(JAVA_INBOX.resolve(".done/java.txt")).exists();
        });
    }

    /** Written under another name, then renamed, as the README asks writers to do; over a file of that name, as mv. */
    private static void drop(Path inbox, String name, String content) throws IOException {
        Files.createDirectories(inbox);
        Path part = inbox.resolve(name + ".part");
        Files.writeString(part, content);
        Files.move(part, inbox.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static List<String> contents(Path folder, String prefix) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<String> texts = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
                texts.add(Files.readString(file));
            }
            return texts;
        }
    }

    private static long count(Path folder, String prefix) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().startsWith(prefix)).count();
        }
    }
}
