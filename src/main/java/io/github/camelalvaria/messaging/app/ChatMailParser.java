package io.github.camelalvaria.messaging.app;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.camelalvaria.messaging.AlvariaMessagingConstants;
import io.github.camelalvaria.messaging.AlvariaOperation;
import io.github.camelalvaria.messaging.AlvariaValidationException;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeUtility;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.mail.MailMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a mail of the email bridge into the text of a sendText:
 * <ul>
 * <li><b>Interaction</b>: a tag {@code [#<interactionId>]} (letters, digits, {@code . _ -}) anywhere in the subject;
 * without one, the header {@code CamelAlvariaInteractionId} the route set ({@code alvaria.mail.interaction-id}). The
 * same tag may repeat (replies add "Re:"), two different ones are refused. No interaction at all is refused too.</li>
 * <li><b>Text</b>: the subject without its tags, then a blank line, then the plain-text body; the subject alone when
 * the body is blank, the body alone when the subject is. A mail with neither is refused.</li>
 * <li><b>Body</b>: the text/plain parts that are not attachments, in order, joined by a blank line; of a
 * multipart/alternative only its first rendition with text/plain counts. An HTML-only mail is refused rather than
 * guessed at: a customer should not read half-stripped markup.</li>
 * <li><b>Attachments</b> (and any other part that is not text) are ignored, named in one INFO line.</li>
 * </ul>
 * Refused means an {@link AlvariaValidationException}, which the bridge dead-letters.
 */
public final class ChatMailParser implements Processor {

    /** Exchange property: the mail's Message-ID as the log lines show it; it outlives the dead-letter's message. */
    public static final String MAIL_ID = "alvariaMailId";

    private static final Logger LOG = LoggerFactory.getLogger(ChatMailParser.class);
    private static final Pattern INTERACTION_TAG = Pattern.compile("\\[#([A-Za-z0-9._-]+)]");
    private static final String OPERATION = AlvariaOperation.sendText.name();

    @Override
    public void process(Exchange exchange) throws Exception {
        jakarta.mail.Message mail = exchange.getIn(MailMessage.class).getOriginalMessage();
        String[] messageIds = mail.getHeader("Message-ID");
        String mailId = messageIds == null ? "(no Message-ID)" : printable(messageIds[0]);
        exchange.setProperty(MAIL_ID, mailId);

        MailParts parts = new MailParts();
        parts.collect(mail);
        if (!parts.ignored.isEmpty()) {
            LOG.info("Mail {}: ignored attachments {}", mailId, parts.ignored);
        }

        Message message = exchange.getMessage();
        String subject = mail.getSubject() == null ? "" : mail.getSubject();
        message.setHeader(AlvariaMessagingConstants.INTERACTION_ID,
                          interactionId(subject, message.getHeader(AlvariaMessagingConstants.INTERACTION_ID, String.class)));
        if (parts.texts.isEmpty() && parts.html) {
            throw invalid("text", "the mail is HTML only, it has no text/plain part");
        }
        String title = INTERACTION_TAG.matcher(subject).replaceAll(" ").replaceAll("\\s+", " ").strip();
        String body = String.join("\n\n", parts.texts).replace("\r\n", "\n").strip();
        String text = Stream.of(title, body).filter(part -> !part.isEmpty()).collect(Collectors.joining("\n\n"));
        if (text.isEmpty()) {
            throw invalid("text", "the mail has neither a subject nor a plain-text body");
        }
        message.setBody(text);
    }

    private static String interactionId(String subject, String bridgeDefault) throws AlvariaValidationException {
        Set<String> tagged = INTERACTION_TAG.matcher(subject).results().map(tag -> tag.group(1))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (tagged.size() > 1) {
            throw invalid("interactionId", "the subject names more than one interaction: " + tagged);
        }
        if (!tagged.isEmpty()) {
            return tagged.iterator().next();
        }
        if (bridgeDefault == null || bridgeDefault.isBlank()) {
            throw invalid("interactionId",
                          "the subject has no [#<interactionId>] tag and alvaria.mail.interaction-id is not set");
        }
        return bridgeDefault;
    }

    private static AlvariaValidationException invalid(String field, String problem) {
        return new AlvariaValidationException(OPERATION, field, problem);
    }

    /** What a sender wrote, made safe for one log line: a CR or LF must not start a forged line. */
    private static String printable(String text) {
        return text.replaceAll("\\p{Cntrl}", "?");
    }

    /** The plain-text body parts of a mail, whether it has an HTML rendition, and the names of the ignored parts. */
    private static final class MailParts {
        private final List<String> texts = new ArrayList<>();
        private final List<String> ignored = new ArrayList<>();
        private boolean html;

        void collect(Part part) throws MessagingException, IOException {
            if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null) {
                ignored.add(name(part));
            } else if (part.isMimeType("text/plain")) {
                texts.add((String) part.getContent());
            } else if (part.isMimeType("text/html")) {
                html = true;
            } else if (part.isMimeType("multipart/alternative")) {
                collectFirstPlainText((Multipart) part.getContent());
            } else if (part.isMimeType("multipart/*")) {
                Multipart multipart = (Multipart) part.getContent();
                for (int i = 0; i < multipart.getCount(); i++) {
                    collect(multipart.getBodyPart(i));
                }
            } else {
                ignored.add(name(part));
            }
        }

        // the alternatives are renditions of one content: the first with plain text is the body, the rest repeat it
        private void collectFirstPlainText(Multipart alternatives) throws MessagingException, IOException {
            for (int i = 0; i < alternatives.getCount(); i++) {
                MailParts alternative = new MailParts();
                alternative.collect(alternatives.getBodyPart(i));
                html |= alternative.html;
                if (!alternative.texts.isEmpty()) {
                    texts.addAll(alternative.texts);
                    ignored.addAll(alternative.ignored);
                    return;
                }
            }
        }

        private static String name(Part part) throws MessagingException, IOException {
            String fileName = part.getFileName();
            if (fileName != null) {
                return printable(MimeUtility.decodeText(fileName));
            }
            String contentType = part.getContentType();
            return "unnamed " + printable(contentType == null ? "part" : contentType.split(";", 2)[0].strip());
        }
    }
}
