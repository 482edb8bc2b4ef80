package io.github.camelalvaria.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelalvaria.messaging.client.StreamingSession;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each event of the managed streaming session into an exchange. With {@code requireAcknowledgement} an event
 * is acknowledged only after its route completed without error (a crash means redelivery); otherwise delivery is
 * at-most-once. Events arrive on the session's own thread, one batch at a time, in order.
 */
public class AlvariaMessagingConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(AlvariaMessagingConsumer.class);

    private final AlvariaMessagingEndpoint endpoint;
    private final ObjectMapper mapper;
    private final Set<String> eventTypes;
    private final Consumer<List<JsonNode>> listener = this::onEvents;

    public AlvariaMessagingConsumer(AlvariaMessagingEndpoint endpoint, Processor processor, ObjectMapper mapper) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.mapper = mapper;
        String types = endpoint.getConfiguration().getEventTypes();
        this.eventTypes = types == null || types.isBlank() ? Set.of()
                : Set.of(types.strip().split("\\s*,\\s*"));
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        StreamingSession session = endpoint.getSession();
        session.addListener(listener);
        // polling starts with the session, not with the first send
        session.id().exceptionally(failure -> {
            LOG.warn("The streaming session could not be created yet; it is tried again on the next send or poll: {}",
                     failure.getMessage());
            return null;
        });
    }

    @Override
    protected void doStop() throws Exception {
        endpoint.getSession().removeListener(listener);
        super.doStop();
    }

    private void onEvents(List<JsonNode> events) {
        if (!isRunAllowed()) {
            return;
        }
        List<String> processed = new ArrayList<>();
        for (JsonNode event : events) {
            if (!event.isObject()) {
                LOG.warn("Skipped a malformed event: a JSON {} where an object was expected", event.getNodeType());
                continue;
            }
            String id = text(event, "eventId");
            if (eventTypes.isEmpty() || eventTypes.contains(text(event, "type"))) {
                Exchange exchange = createExchange(event);
                try {
                    getProcessor().process(exchange);
                } catch (Exception e) {
                    exchange.setException(e);
                }
                if (exchange.getException() != null) {
                    getExceptionHandler().handleException("Processing an Alvaria event failed", exchange,
                                                          exchange.getException());
                    releaseExchange(exchange, false);
                    continue;
                }
                releaseExchange(exchange, false);
            }
            if (id != null) {
                processed.add(id);
            }
        }
        if (endpoint.getConfiguration().isRequireAcknowledgement() && !processed.isEmpty()) {
            // waited for, so that the next poll cannot get these events again before the server has the answer
            endpoint.getSession().acknowledge(processed).join();
        }
    }

    private Exchange createExchange(JsonNode event) {
        Exchange exchange = createExchange(false);
        Message message = exchange.getMessage();
        message.setBody(endpoint.getConfiguration().isEventsAsJson() ? event.toString()
                : mapper.convertValue(event, Map.class));
        setIfPresent(message, AlvariaMessagingConstants.EVENT_ID, text(event, "eventId"));
        setIfPresent(message, AlvariaMessagingConstants.EVENT_CATEGORY, text(event, "category"));
        setIfPresent(message, AlvariaMessagingConstants.EVENT_TYPE, text(event, "type"));
        setIfPresent(message, AlvariaMessagingConstants.INTERACTION_ID, text(event, "interactionId"));
        setIfPresent(message, AlvariaMessagingConstants.USER_ID, text(event, "userId"));
        return exchange;
    }

    private static void setIfPresent(Message message, String header, String value) {
        if (value != null) {
            message.setHeader(header, value);
        }
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
    }
}
