package io.github.camelalvaria.messaging.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelalvaria.messaging.AlvariaMessagingConstants;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/** Says on the dead-letter message what failed, as headers and as the {@link #FAILURE_JSON} exchange property. */
public final class DeadLetterHeaders implements Processor {

    public static final String FAILURE_STATUS = "CamelAlvariaFailureStatus";
    public static final String FAILURE_MESSAGE = "CamelAlvariaFailureMessage";
    public static final String FAILURE_REASON = "CamelAlvariaFailureReason";
    public static final String FAILURE_ATTEMPTS = "CamelAlvariaFailureAttempts";
    /** Exchange property: the {@link AlvariaFailure} as JSON, what the file bridge writes beside a failed file. */
    public static final String FAILURE_JSON = "alvariaFailureJson";
    /** Exchange property a bridge sets to name its dead-letter endpoint. */
    public static final String DEAD_LETTER_URI = "alvariaDeadLetterUri";

    private final ObjectMapper json = new ObjectMapper();
    private final String defaultDeadLetterUri;

    public DeadLetterHeaders(String defaultDeadLetterUri) {
        this.defaultDeadLetterUri = defaultDeadLetterUri;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        AlvariaFailure failure = AlvariaFailure.of(
                caught, exchange.getProperty(AlvariaMessagingConstants.ATTEMPTS_PROPERTY, 0, Integer.class));
        Message message = exchange.getMessage();
        message.setHeader(FAILURE_STATUS, failure.status());
        message.setHeader(FAILURE_MESSAGE, failure.message());
        message.setHeader(FAILURE_REASON, failure.reason());
        message.setHeader(FAILURE_ATTEMPTS, failure.attempts());
        exchange.setProperty(FAILURE_JSON, json.writerWithDefaultPrettyPrinter().writeValueAsString(failure));
        if (exchange.getProperty(DEAD_LETTER_URI) == null) {
            exchange.setProperty(DEAD_LETTER_URI, defaultDeadLetterUri);
        }
    }
}
