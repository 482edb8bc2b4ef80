package io.github.camelalvaria.messaging.app;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

import io.github.camelalvaria.messaging.AlvariaMessagingConstants;
import io.github.camelalvaria.messaging.AlvariaValidationException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parser's rules one by one, on mails built in memory; {@link EmailToChatTest} has them over IMAP. */
class ChatMailParserTest {

    private final ChatMailParser parser = new ChatMailParser();
    private final DefaultCamelContext context = new DefaultCamelContext();

    @Test
    void theTagIsRemovedWhereverItStandsAndMayRepeat() throws Exception {
        Exchange exchange = parse(plain("Re: [#4321] Order [#4321]  shipped", "\r\n  Thanks\r\n\r\n"), null);

        assertThat(exchange.getMessage().getHeader(AlvariaMessagingConstants.INTERACTION_ID)).isEqualTo("4321");
        assertThat(exchange.getMessage().getBody()).isEqualTo("Re: Order shipped\n\nThanks");
    }

    @Test
    void theTagWinsOverTheBridgesDefaultWhichAppliesWithoutOne() throws Exception {
        assertThat(parse(plain("[#A-7.x] Hi", ""), "4322").getMessage().getHeader(AlvariaMessagingConstants.INTERACTION_ID))
                .isEqualTo("A-7.x");
        assertThat(parse(plain("Hi", ""), "4322").getMessage().getHeader(AlvariaMessagingConstants.INTERACTION_ID))
                .isEqualTo("4322");
    }

    @Test
    void theBodyAloneWhenTheSubjectHasNothingButTheTag() throws Exception {
        assertThat(parse(plain("[#4321]", "Just the body"), null).getMessage().getBody()).isEqualTo("Just the body");
    }

    @Test
    void refusedAreTwoInteractionsNoInteractionAndNoText() {
        assertThatThrownBy(() -> parse(plain("[#4321] and [#4322]", "x"), null))
                .isInstanceOfSatisfying(AlvariaValidationException.class,
                                        e -> assertThat(e.getField()).isEqualTo("interactionId"))
                .hasMessageContaining("more than one interaction: [4321, 4322]");
        assertThatThrownBy(() -> parse(plain("No tag", "x"), " "))
                .isInstanceOfSatisfying(AlvariaValidationException.class,
                                        e -> assertThat(e.getField()).isEqualTo("interactionId"));
        assertThatThrownBy(() -> parse(plain("[#4321]", " \r\n"), null))
                .isInstanceOfSatisfying(AlvariaValidationException.class, e -> assertThat(e.getField()).isEqualTo("text"))
                .hasMessageContaining("neither a subject nor a plain-text body");
    }

    @Test
    void nestedPartsGiveTheirPlainTextAndNameWhatIsIgnored() throws Exception {
        MimeBodyPart plain = text("First part", "plain");
        MimeBodyPart html = text("<b>First part</b>", "html");
        MimeBodyPart alternative = new MimeBodyPart();
        alternative.setContent(new MimeMultipart("alternative", plain, html));
        MimeBodyPart image = new MimeBodyPart();
        image.setContent(new byte[] { 1, 2, 3 }, "image/png");
        MimeBodyPart forged = new MimeBodyPart();
        forged.setContent("x".getBytes(StandardCharsets.US_ASCII), "application/octet-stream");
        forged.setFileName("a\r\nFAKE LOG LINE.txt");
        MimeMessage mail = mail("[#4321] Mixed");
        mail.setContent(new MimeMultipart(alternative, image, text("Second part", "plain"), forged));
        mail.saveChanges();

        try (CapturedLogLines logs = new CapturedLogLines(Map.of())) {
            assertThat(parse(mail, null).getMessage().getBody()).isEqualTo("Mixed\n\nFirst part\n\nSecond part");
            assertThat(logs.text()).containsOnlyOnce("ignored attachments [unnamed image/png, a??FAKE LOG LINE.txt]")
                    .doesNotContain("\nFAKE LOG LINE");
        }
    }

    @Test
    void anHtmlOnlyMailIsRefused() throws Exception {
        MimeMessage mail = mail("[#4321] Newsletter");
        mail.setContent("<p>Hello</p>", "text/html; charset=UTF-8");
        mail.saveChanges();

        assertThatThrownBy(() -> parse(mail, null)).isInstanceOf(AlvariaValidationException.class)
                .hasMessageContaining("HTML only");
    }

    private Exchange parse(MimeMessage mail, String bridgeDefault) throws Exception {
        Exchange exchange = new DefaultExchange(context);
        exchange.setIn(new MailMessage(exchange, mail, false));
        exchange.getMessage().setHeader(AlvariaMessagingConstants.INTERACTION_ID, bridgeDefault);
        parser.process(exchange);
        return exchange;
    }

    private static MimeMessage mail(String subject) throws Exception {
        MimeMessage mail = new MimeMessage(Session.getInstance(new Properties()));
        mail.setSubject(subject, "UTF-8");
        return mail;
    }

    private static MimeMessage plain(String subject, String body) throws Exception {
        MimeMessage mail = mail(subject);
        mail.setText(body, "UTF-8");
        mail.saveChanges();
        return mail;
    }

    private static MimeBodyPart text(String text, String subtype) throws Exception {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(text, "UTF-8", subtype);
        return part;
    }
}
