package io.github.camelalvaria.messaging.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.github.camelalvaria.messaging.simulator.AcceptedMessage;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.util.FileUtil;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The file bridges when a file cannot be filed where it belongs: {@code .done} or {@code .failed} is a plain file. The
 * file is sent once, never again, and the bridge stops with an ERROR saying what to fix. The YAML bridge has the
 * broken {@code .done}, its Java DSL twin the broken {@code .failed}.
 */
@CamelMainTest(propertyPlaceholderLocations = AlvariaMessagingApplication.PROPERTIES,
               properties = {
                       "alvaria.simulator.port=0",
                       "alvaria.samples.enabled=false",
                       "alvaria.file.inbox=target/move-failure-test/inbox",
                       "alvaria.java-file.enabled=true",
                       "alvaria.java-file.inbox=target/move-failure-test/inbox-java",
                       "alvaria.redelivery.initial-delay=10",
                       "alvaria.redelivery.maximum-delay=50" })
class FileBridgeMoveFailureAppTest {

    private static final Path ROOT = Path.of("target/move-failure-test");
    private static final Path INBOX = ROOT.resolve("inbox");
    private static final Path JAVA_INBOX = ROOT.resolve("inbox-java");

    static {
        FileUtil.removeDir(ROOT.toFile());
    }

    @BeanInject
    CamelContext context;

    private AlvariaSimulator simulator() {
        return context.getRegistry().lookupByNameAndType("alvariaSimulator", AlvariaSimulator.class);
    }

    @Test
    void aDeliveredFileThatCannotBeMovedToDoneIsNeverSentAgainAndStopsTheBridge() throws Exception {
        try (CapturedLogLines log = new CapturedLogLines(Map.of())) {
            Files.createDirectories(INBOX);
            Files.writeString(INBOX.resolve(".done"), "not a folder");
            drop(INBOX, "hello.txt", "hello once");

            await().atMost(Duration.ofSeconds(10)).until(
                    () -> context.getRouteController().getRouteStatus("file-to-chat") == ServiceStatus.Stopped);
            assertThat(log.text()).containsPattern("ERROR .* hello\\.txt .*\\.done");
            assertThat(readiness("file-to-chat")).isEqualTo(HealthCheck.State.DOWN);
            // a poll every 500 ms: two seconds would have sent it four times more
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).untilAsserted(
                    () -> assertThat(simulator().accepted("4321")).extracting(AcceptedMessage::text)
                            .containsExactly("hello once"));
            assertThat(INBOX.resolve("hello.txt")).doesNotExist();
        }
    }

    @Test
    void aDeadLetterThatCannotBeWrittenStopsTheBridgeInsteadOfSendingAgain() throws Exception {
        try (CapturedLogLines log = new CapturedLogLines(Map.of())) {
            Files.createDirectories(JAVA_INBOX);
            Files.writeString(JAVA_INBOX.resolve(".failed"), "not a folder");
            drop(JAVA_INBOX, "nobody.txt", "Interaction: 9999\n\nnobody is listening");

            await().atMost(Duration.ofSeconds(10)).until(
                    () -> context.getRouteController().getRouteStatus("file-to-chat-java") == ServiceStatus.Stopped);
            assertThat(log.text()).containsPattern("ERROR .* nobody\\.txt .*\\.failed");
            assertThat(readiness("file-to-chat-java")).isEqualTo(HealthCheck.State.DOWN);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> simulator().record().refused(404) == 1);
            assertThat(JAVA_INBOX.resolve("nobody.txt")).doesNotExist();
        }
    }

    /** The route's readiness check, as /observe/health/ready reports it. */
    private HealthCheck.State readiness(String routeId) {
        return HealthCheckHelper.invokeReadiness(context).stream()
                .filter(result -> result.getCheck().getId().equals("route:" + routeId))
                .map(HealthCheck.Result::getState).findFirst().orElseThrow();
    }

    private static void drop(Path inbox, String name, String content) throws IOException {
        Path part = inbox.resolve(name + ".part");
        Files.writeString(part, content);
        Files.move(part, inbox.resolve(name));
    }
}
