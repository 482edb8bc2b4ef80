package io.github.camelalvaria.messaging.app;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.github.camelalvaria.messaging.simulator.AcceptedMessage;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.Faults;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.apache.camel.main.Main;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The email bridge end to end: the app as {@code mvn exec:java} starts it (application.properties, the beans, the
 * error handling and the real {@code routes/email-to-chat.yaml}), reading a GreenMail mailbox over IMAP and posting to
 * an {@link AlvariaSimulator}; mails are sent over SMTP and their folders read back over IMAP.
 */
class EmailToChatTest {

    /** The bridge's mailbox: its address is its login too, and both carry characters a URI must not see raw. */
    private static final String ACCOUNT = "chat-bridge@example.test";
    private static final String PASSWORD = "p@ss&w0rd+%;=x";
    private static final String KEY_STORE_PASSWORD = "test-only";
    private static final String DONE = "Alvaria/Delivered";
    private static final String FAILED = "Alvaria/Failed";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final GreenMailExtension MAILBOX = new GreenMailExtension(
            ServerSetup.dynamicPort(new ServerSetup[] { ServerSetupTest.SMTP, ServerSetupTest.IMAP, ServerSetupTest.IMAPS }))
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(ACCOUNT, ACCOUNT, PASSWORD));

    private static Path keyStore;

    // the shipped levels, and camel-mail's connection lines: the password must not be in any of them
    // (Camel itself at DEBUG prints every resolved property, secrets included)
    private final CapturedLogLines logs = new CapturedLogLines(Map.of(
            "org.apache.camel", Level.INFO, "org.apache.camel.component.mail", Level.DEBUG,
            "io.github.camelalvaria", Level.DEBUG, "alvaria", Level.INFO));
    private final AlvariaSimulator simulator = AlvariaSimulator.start(SimulatorSettings.DEMO);
    private Main app;

    /** A mail as the IMAP server keeps it. */
    record StoredMail(String subject, boolean seen, boolean flagged, boolean deleted) {
    }

    /**
     * GreenMail's own certificate names no host, which host name verification refuses, rightly: its IMAPS serves a
     * certificate for 127.0.0.1 instead, made here by the JDK's keytool; the bridge trusts it as a private CA's.
     */
    @BeforeAll
    static void serveImapsWithACertificateFor127001(@TempDir Path folder) throws Exception {
        keyStore = folder.resolve("imaps.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "imaps", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", KEY_STORE_PASSWORD)
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        System.setProperty("greenmail.tls.keystore.file", keyStore.toString());
        System.setProperty("greenmail.tls.keystore.password", KEY_STORE_PASSWORD);
        System.setProperty("greenmail.tls.key.password", KEY_STORE_PASSWORD);
    }

    @AfterAll
    static void forgetTheCertificate() {
        System.clearProperty("greenmail.tls.keystore.file");
        System.clearProperty("greenmail.tls.keystore.password");
        System.clearProperty("greenmail.tls.key.password");
    }

    @AfterEach
    void stopAndCheckNoSecretWasLogged() {
        try (logs; simulator) {
            if (app != null) {
                app.stop();
            }
        }
        assertThat(logs.text()).isNotEmpty().doesNotContain(PASSWORD);
    }

    @Test
    void aMailTaggedWithAnInteractionIsPostedAsSubjectAndBodyThenMovedSeenToTheDoneFolder() throws Exception {
        startBridge(Map.of());

        Transport.send(plainMail("Your order [#4321] has shipped", "Tracking number 1Z999.\r\nThanks!\r\n"));

        awaitMails(DONE, new StoredMail("Your order [#4321] has shipped", true, false, false));
        assertThat(texts("4321")).containsExactly("Your order has shipped\n\nTracking number 1Z999.\nThanks!");
        assertThat(mailsIn("INBOX")).isEmpty();
        assertThat(logs.text()).containsPattern("INFO  alvaria.delivered - Delivered mail <.+>: interaction 4321"
                                                    + " sendText -> HTTP 202");
    }

    @Test
    void anAttachmentIsIgnoredWithOneLogLineNamingIt() throws Exception {
        startBridge(Map.of());
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Please find the invoice attached.", "UTF-8");
        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setFileName("invoice-2024.pdf");
        attachment.setContent("ATTACHED-PDF-CONTENT".getBytes(StandardCharsets.US_ASCII), "application/pdf");
        MimeMessage mail = mailWithSubject("[#4322] Your invoice");
        mail.setContent(new MimeMultipart(text, attachment));

        Transport.send(mail);

        awaitMails(DONE, new StoredMail("[#4322] Your invoice", true, false, false));
        assertThat(texts("4322")).containsExactly("Your invoice\n\nPlease find the invoice attached.");
        assertThat(logs.text()).containsOnlyOnce("ignored attachments [invoice-2024.pdf]")
                .doesNotContain("ATTACHED-PDF-CONTENT");
    }

    @Test
    void aMailWithoutTagGoesToTheDefaultInteractionWhenOneIsSet() throws Exception {
        startBridge(Map.of("alvaria.mail.interaction-id", "4322"));

        Transport.send(plainMail("Question about my order", ""));

        awaitMails(DONE, new StoredMail("Question about my order", true, false, false));
        assertThat(texts("4322")).containsExactly("Question about my order");
    }

    @Test
    void aMailWithoutTagAndWithoutDefaultIsFlaggedAndMovedToTheFailedFolderWithNothingSent() throws Exception {
        // the component's own default interaction is for other routes: it must not catch an untagged mail
        startBridge(Map.of("camel.component.alvaria-messaging.interaction-id", "4322"));

        Transport.send(plainMail("No interaction here", "Hello"));

        awaitMails(FAILED, new StoredMail("No interaction here", true, true, false));
        assertThat(mailsIn("INBOX")).isEmpty();
        assertThat(mailsIn(DONE)).isEmpty();
        assertThat(simulator.record().acceptedCount()).isZero();
        assertThat(simulator.record().refused()).isEmpty();
        assertThat(logs.text()).containsPattern("WARN  alvaria.dead-letter - Dead-lettered mail <.+> to "
                                                    + FAILED + ": Invalid interactionId .*no \\[#<interactionId>] tag");
    }

    @Test
    void aMailForAnInteractionTheApiDoesNotKnowIsDeadLetteredTheSameWay() throws Exception {
        startBridge(Map.of());

        Transport.send(plainMail("[#9999] Hello", "Anyone there?"));

        awaitMails(FAILED, new StoredMail("[#9999] Hello", true, true, false));
        assertThat(simulator.record().refused(404)).isEqualTo(1);
        assertThat(simulator.record().acceptedCount()).isZero();
        assertThat(logs.text()).containsPattern("Dead-lettered mail <.+> to " + FAILED + ": .*9999 not found");
    }

    @Test
    void aMailArrivesExactlyOnceWhenTheApiIsUnavailableAtFirst() throws Exception {
        simulator.setFaults(Faults.NONE.withUnavailable(1.0, 0));
        startBridge(Map.of());

        Transport.send(plainMail("[#4321] Still there?", "Retry me"));
        await().atMost(WAIT).until(() -> simulator.record().refused(503) >= 2);
        simulator.setFaults(Faults.NONE);

        awaitMails(DONE, new StoredMail("[#4321] Still there?", true, false, false));
        assertThat(texts("4321")).containsExactly("Still there?\n\nRetry me");
        assertThat(mailsIn("INBOX")).isEmpty();
    }

    @Test
    void theTextPlainAlternativeIsPostedAndAnHtmlOnlyMailIsDeadLettered() throws Exception {
        startBridge(Map.of());
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText("Plain rendition", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p>HTML rendition</p>", "text/html; charset=UTF-8");
        MimeMessage alternative = mailWithSubject("[#4321] Both");
        alternative.setContent(new MimeMultipart("alternative", plain, html));
        MimeMessage htmlOnly = mailWithSubject("[#4321] Only HTML");
        htmlOnly.setContent("<p>HTML only</p>", "text/html; charset=UTF-8");

        Transport.send(alternative);
        Transport.send(htmlOnly);

        awaitMails(DONE, new StoredMail("[#4321] Both", true, false, false));
        awaitMails(FAILED, new StoredMail("[#4321] Only HTML", true, true, false));
        assertThat(texts("4321")).containsExactly("Both\n\nPlain rendition");
    }

    @Test
    void theSendersOwnHeadersCannotSteerTheBridge() throws Exception {
        startBridge(Map.of());
        MimeMessage mail = plainMail("[#4321] Hi", "Hello");
        // camel-mail maps a mail's headers to message headers: these name camel-mail's commit and the component
        mail.setHeader("Delete", "true");
        mail.setHeader("moveTo", "Trash");
        mail.setHeader("CamelAlvariaInteractionId", "4322");
        mail.setHeader("CamelAlvariaUserId", "someone-else");
        mail.setHeader("CamelAlvariaOperation", "sendUrl");

        Transport.send(mail);

        awaitMails(DONE, new StoredMail("[#4321] Hi", true, false, false));
        assertThat(simulator.accepted("4321")).singleElement().satisfies(message -> {
            assertThat(message.userId()).isEqualTo("agent-1");
            assertThat(message.operation()).isEqualTo("sendText");
        });
        assertThat(simulator.accepted("4322")).isEmpty();
        assertThat(mailsIn("Trash")).isEmpty();
    }

    @Test
    void theDefaultProtocolImapsVerifiesTheServerAgainstTheTrustGiven() throws Exception {
        startBridge(Map.of(
                "alvaria.mail.protocol", "imaps",
                "alvaria.mail.port", String.valueOf(MAILBOX.getImaps().getPort()),
                // a private CA's trust, as README shows; a public CA needs none of these
                "camel.ssl.enabled", "true",
                "camel.ssl.trust-store", "file:" + keyStore,
                "camel.ssl.trust-store-password", KEY_STORE_PASSWORD,
                "camel.component.imaps.use-global-ssl-context-parameters", "true"));

        Transport.send(plainMail("[#4321] Over TLS", "Encrypted on the way"));

        awaitMails(DONE, new StoredMail("[#4321] Over TLS", true, false, false));
        assertThat(texts("4321")).containsExactly("Over TLS\n\nEncrypted on the way");
    }

    /** The app with its own configuration, only the email bridge's routes, pointed at GreenMail and the simulator. */
    private void startBridge(Map<String, String> overrides) throws Exception {
        app = new Main();
        app.setPropertyPlaceholderLocations(AlvariaMessagingApplication.PROPERTIES);
        SimulatorSettings tenant = simulator.settings();
        Map<String, String> properties = new LinkedHashMap<>(Map.ofEntries(
                Map.entry("camel.main.routes-include-pattern", "file:routes/email-to-chat.yaml"),
                Map.entry("alvaria.simulator.enabled", "false"),
                Map.entry("camel.component.alvaria-messaging.base-url", simulator.baseUrl()),
                Map.entry("camel.component.alvaria-messaging.token-url", simulator.tokenUrl()),
                Map.entry("camel.component.alvaria-messaging.org-id", tenant.orgId()),
                Map.entry("camel.component.alvaria-messaging.api-key", tenant.apiKey()),
                Map.entry("camel.component.alvaria-messaging.client-id", tenant.clientId()),
                Map.entry("camel.component.alvaria-messaging.client-secret", tenant.clientSecret()),
                Map.entry("camel.component.alvaria-messaging.user-id", "agent-1"),
                Map.entry("alvaria.redelivery.initial-delay", "50"),
                Map.entry("alvaria.redelivery.multiplier", "1"),
                Map.entry("alvaria.redelivery.maximum-redeliveries", "40"),
                Map.entry("alvaria.mail.enabled", "true"),
                Map.entry("alvaria.mail.protocol", "imap"),
                Map.entry("alvaria.mail.host", MAILBOX.getImap().getBindTo()),
                Map.entry("alvaria.mail.port", String.valueOf(MAILBOX.getImap().getPort())),
                Map.entry("alvaria.mail.username", ACCOUNT),
                Map.entry("alvaria.mail.password", PASSWORD),
                Map.entry("alvaria.mail.poll-delay", "100"),
                Map.entry("alvaria.mail.interaction-id", "")));
        properties.putAll(overrides);
        properties.forEach(app::addOverrideProperty);
        app.start();
    }

    private MimeMessage mailWithSubject(String subject) throws MessagingException {
        MimeMessage mail = new MimeMessage(MAILBOX.getSmtp().createSession());
        mail.setFrom(new InternetAddress("customer@example.test"));
        mail.setRecipient(Message.RecipientType.TO, new InternetAddress(ACCOUNT));
        mail.setSubject(subject, "UTF-8");
        return mail;
    }

    private MimeMessage plainMail(String subject, String body) throws MessagingException {
        MimeMessage mail = mailWithSubject(subject);
        mail.setText(body, "UTF-8");
        return mail;
    }

    private void awaitMails(String folder, StoredMail... expected) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(mailsIn(folder)).containsExactly(expected));
    }

    /** The mails in an IMAP folder, read over IMAP as any mail client would; none when the folder does not exist. */
    private List<StoredMail> mailsIn(String folderName) throws MessagingException {
        Store store = MAILBOX.getImap().createStore();
        store.connect(ACCOUNT, PASSWORD);
        try {
            Folder folder = store.getFolder(folderName);
            if (!folder.exists()) {
                return List.of();
            }
            folder.open(Folder.READ_ONLY);
            List<StoredMail> mails = new ArrayList<>();
            for (Message mail : folder.getMessages()) {
                mails.add(new StoredMail(mail.getSubject(), mail.isSet(Flags.Flag.SEEN), mail.isSet(Flags.Flag.FLAGGED),
                                         mail.isSet(Flags.Flag.DELETED)));
            }
            folder.close(false);
            return mails;
        } finally {
            store.close();
        }
    }

    private List<String> texts(String interactionId) {
        return simulator.accepted(interactionId).stream().map(AcceptedMessage::text).toList();
    }
}
