package io.github.camelalvaria.messaging.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.util.FileUtil;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 50 MB text through the real app and its embedded simulator, in an inbox of its own. Alone it is answered in about
 * 1.5 s; inside the whole suite on the 2-core build machine it once took over 30 s, the default request timeout, so the
 * timeout is raised to keep it one attempt.
 */
@CamelMainTest(propertyPlaceholderLocations = AlvariaMessagingApplication.PROPERTIES,
               properties = {
                       "alvaria.simulator.port=0",
                       "alvaria.samples.enabled=false",
                       "alvaria.file.inbox=target/large-text-test/inbox",
                       "camel.component.alvaria-messaging.request-timeout=120000" })
class LargeTextAppTest {

    private static final Path INBOX = Path.of("target/large-text-test/inbox");

    static {
        FileUtil.removeDir(INBOX.getParent().toFile());
    }

    /**
     * A text over the simulator's size limit (16 MiB by default) is answered 413 with an ErrorResponse naming the
     * size, as a platform answers a body it will not take; the component maps 413 as permanent, so the file is
     * dead-lettered at once with that reason.
     */
    @Test
    void aFiftyMegabyteTextIsRefused413AndDeadLetteredWithTheSize() throws Exception {
        Files.createDirectories(INBOX);
        Path part = Files.writeString(INBOX.resolve("fifty-mb.txt.part"),
                                      "Interaction: 4322\n\n" + "0123456789abcdef".repeat(50 * 1024 * 1024 / 16));
        Files.move(part, INBOX.resolve("fifty-mb.txt"));

        Path reason = INBOX.resolve(".failed/fifty-mb.txt.error.json");
        await().atMost(Duration.ofSeconds(150)).until(() -> Files.exists(reason));
        JsonNode error = new ObjectMapper().readTree(reason.toFile());
        assertThat(error.path("status").asInt()).isEqualTo(413);
        assertThat(error.path("reason").asText()).isEqualTo("rejected");
        assertThat(error.path("attempts").asInt()).isEqualTo(1);
        assertThat(error.path("message").asText()).contains("over the limit of 16777216 bytes");
        assertThat(INBOX.resolve(".failed/fifty-mb.txt")).hasSize(50L * 1024 * 1024 + 19);
    }
}
