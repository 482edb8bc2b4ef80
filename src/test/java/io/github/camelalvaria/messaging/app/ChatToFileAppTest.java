package io.github.camelalvaria.messaging.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.util.FileUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The chat-to-file route of the app: a customer message injected into the simulator lands in a file and a mail. */
@CamelMainTest(propertyPlaceholderLocations = AlvariaMessagingApplication.PROPERTIES,
               properties = {
                       "alvaria.simulator.port=0",
                       "alvaria.samples.enabled=false",
                       "alvaria.file.inbox=target/chat-out-test/inbox",
                       "alvaria.chat-out.enabled=true",
                       "alvaria.chat-out.folder=target/chat-out-test/outbox",
                       "alvaria.cluster.file.root=target/chat-out-test/cluster",
                       "alvaria.chat-out.mail.enabled=true",
                       "alvaria.chat-out.mail.host=localhost",
                       "alvaria.chat-out.mail.port=3025",
                       "alvaria.chat-out.mail.username=chat-bridge",
                       "alvaria.chat-out.mail.password=smtp-pa55",
                       "alvaria.chat-out.mail.to=agents@example.com" })
class ChatToFileAppTest {

    private static final Path ROOT = Path.of("target/chat-out-test");

    static {
        FileUtil.removeDir(ROOT.toFile());
    }

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP)
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("chat-bridge", "smtp-pa55"))
            .withPerMethodLifecycle(false);

    @BeanInject
    CamelContext context;

    @Test
    void aCustomerMessageBecomesAFileAndAMail() throws Exception {
        AlvariaSimulator simulator
                = context.getRegistry().lookupByNameAndType("alvariaSimulator", AlvariaSimulator.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> !simulator.sessions().isEmpty());

        simulator.injectCustomerMessage("4321", "Can I change my delivery address?");

        Path folder = ROOT.resolve("outbox/4321");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.isDirectory(folder) && files(folder) == 1);
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(Files.readString(files.findFirst().orElseThrow()))
                    .isEqualTo("Can I change my delivery address?");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> MAIL.getReceivedMessages().length == 1);
        MimeMessage mail = MAIL.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[#4321] Customer message");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("agents@example.com");
        assertThat(((String) mail.getContent()).strip()).isEqualTo("Can I change my delivery address?");
    }

    private static long files(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> !file.getFileName().toString().startsWith(".")).count();
        }
    }
}
