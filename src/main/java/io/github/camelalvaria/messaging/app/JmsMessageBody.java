package io.github.camelalvaria.messaging.app;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.TextMessage;

import io.github.camelalvaria.messaging.AlvariaMessagingConstants;
import io.github.camelalvaria.messaging.AlvariaValidationException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsMessage;

/**
 * The body of a message of the queue bridge, which consumes with {@code mapJmsMessage=false} (the body is the JMS
 * message itself, so that nothing is deserialized on the way in): a TextMessage is its text; a BytesMessage is its
 * bytes as UTF-8 text, refused when they are not valid UTF-8; a MapMessage is a {@code java.util.Map} of its fields,
 * which the component reads by the API's names ({@code text}, {@code url}, {@code interactionId}, ...). Any other
 * type (ObjectMessage, StreamMessage, a message without a body) is refused unread: it fails with
 * {@link AlvariaValidationException} on the field {@code body}, and is dead-lettered with reason {@code validation}.
 */
public final class JmsMessageBody implements Processor {

    @Override
    public void process(Exchange exchange) throws JMSException, AlvariaValidationException {
        Message message = exchange.getMessage();
        jakarta.jms.Message received = message instanceof JmsMessage jms ? jms.getJmsMessage() : null;
        String operation = message.getHeader(AlvariaMessagingConstants.OPERATION, "sendText", String.class);
        if (received instanceof TextMessage text) {
            message.setBody(text.getText());
        } else if (received instanceof BytesMessage bytes) {
            byte[] content = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(content);
            message.setBody(utf8(operation, content));
        } else if (received instanceof MapMessage map) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Object name : Collections.list(map.getMapNames())) {
                fields.put((String) name, map.getObject((String) name));
            }
            message.setBody(fields);
        } else {
            String type = received == null ? "a message that is not JMS" : received.getClass().getSimpleName();
            throw new AlvariaValidationException(operation, "body", type + " is not taken (send a TextMessage, a UTF-8"
                                                                    + " BytesMessage or a MapMessage)");
        }
    }

    private static String utf8(String operation, byte[] content) throws AlvariaValidationException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new AlvariaValidationException(operation, "body", "the BytesMessage is not valid UTF-8 text");
        }
    }
}
