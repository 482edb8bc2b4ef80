package io.github.camelalvaria.messaging.app;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import io.github.camelalvaria.messaging.AlvariaMessagingConstants;
import io.github.camelalvaria.messaging.AlvariaOperation;
import io.github.camelalvaria.messaging.AlvariaValidationException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Turns a file of the file bridge into a message: {@code *.txt} is sendText, {@code *.url} is sendUrl. A file may start
 * with a header block that overrides the bridge's defaults for that file, ended by a blank line:
 *
 * <pre>
 * Interaction: 4322
 * User: agent-1
 * Entity-Name: Order Bot
 * Entity-Type: System
 *
 * Your order has shipped.
 * </pre>
 *
 * Only these four names (any case) open a header block, so a message that starts with "Note: ..." stays text.
 */
public final class ChatFileParser implements Processor {

    private static final Map<String, String> HEADER_NAMES = Map.of(
            "interaction", AlvariaMessagingConstants.INTERACTION_ID,
            "user", AlvariaMessagingConstants.USER_ID,
            "entity-name", AlvariaMessagingConstants.ENTITY_NAME,
            "entity-type", AlvariaMessagingConstants.ENTITY_TYPE);

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        String fileName = message.getHeader(Exchange.FILE_NAME_ONLY, String.class);
        AlvariaOperation operation = fileName != null && fileName.toLowerCase(Locale.ROOT).endsWith(".url")
                ? AlvariaOperation.sendUrl : AlvariaOperation.sendText;
        String content = decode(operation, message.getBody(byte[].class));
        message.setHeader(AlvariaMessagingConstants.OPERATION, operation.name());

        String[] lines = content.split("\r?\n", -1);
        int line = 0;
        while (line < lines.length && headerName(lines[line]) != null) {
            String[] nameAndValue = lines[line].split(":", 2);
            message.setHeader(headerName(lines[line]), nameAndValue[1].strip());
            line++;
        }
        if (line > 0 && line < lines.length && lines[line].isBlank()) {
            line++;
        }
        String text = String.join("\n", Arrays.asList(lines).subList(line, lines.length));
        message.setBody(operation == AlvariaOperation.sendUrl ? text.strip() : text.stripTrailing());
    }

    private static String headerName(String line) {
        int colon = line.indexOf(':');
        return colon <= 0 ? null : HEADER_NAMES.get(line.substring(0, colon).strip().toLowerCase(Locale.ROOT));
    }

    private static String decode(AlvariaOperation operation, byte[] bytes) throws AlvariaValidationException {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes == null ? new byte[0] : bytes)).toString();
            // a byte-order mark is an editor's artefact, not part of the message
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new AlvariaValidationException(operation.name(), "body", "the file is not valid UTF-8 text");
        }
    }
}
