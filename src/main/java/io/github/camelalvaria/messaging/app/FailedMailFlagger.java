package io.github.camelalvaria.messaging.app;

import jakarta.mail.Flags;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.mail.MailMessage;

/**
 * Flags (IMAP {@code \Flagged}) a mail the email bridge dead-letters, on the server at once: camel-mail's commit then
 * copies it, flag and all, to the failed folder, where a person looks for flagged mails.
 */
public final class FailedMailFlagger implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        exchange.getIn(MailMessage.class).getOriginalMessage().setFlag(Flags.Flag.FLAGGED, true);
    }
}
