package io.github.camelalvaria.messaging.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.util.FileUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a stop or crash leaves in {@code .inflight/} when the file bridge starts again: a file cut short is sent again
 * (beside a newer file of its name, never over it), a file marked delivered is filed in {@code .done/} and not sent.
 */
class FileBridgeProcessStrategyTest {

    private static final Path INBOX = Path.of("target/file-bridge-process-strategy/inbox");

    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void atStartFilesCutShortAreSentAgainAndDeliveredOnesAreFiledNotSent() throws Exception {
        FileUtil.removeDir(INBOX.getParent().toFile());
        Files.createDirectories(INBOX.resolve(".inflight"));
        Files.writeString(INBOX.resolve(".inflight/status.txt"), "cut short");
        Files.writeString(INBOX.resolve("status.txt"), "newer, same name");
        Files.writeString(INBOX.resolve(".inflight/sent.txt.delivered"), "delivered before the crash");
        List<String> processed = new CopyOnWriteArrayList<>();
        context.getRegistry().bind("fileBridgeProcessStrategy", new FileBridgeProcessStrategy());
        // a lambda, not a RouteBuilder class: camel-main's scan of this package in the app tests must not find it
        RouteBuilder.addRoutes(context, routes -> routes
                .from("file:" + INBOX + "?initialDelay=0&delay=10&processStrategy=#fileBridgeProcessStrategy")
                .setProperty(FileBridgeProcessStrategy.OUTCOME, routes.constant(FileBridgeProcessStrategy.DONE))
                .process(exchange -> processed.add(exchange.getMessage().getBody(String.class))));
        context.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> processed.size() >= 2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(INBOX.resolve(".done/status.txt")).exists();
            assertThat(INBOX.resolve(".done/status.1.txt")).exists();
        });
        assertThat(processed).containsExactlyInAnyOrder("cut short", "newer, same name");
        assertThat(INBOX.resolve(".done/sent.txt")).hasContent("delivered before the crash");
        assertThat(INBOX.resolve(".inflight")).isEmptyDirectory();
    }
}
