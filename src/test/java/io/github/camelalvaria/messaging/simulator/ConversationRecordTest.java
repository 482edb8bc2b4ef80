package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;

import static io.github.camelalvaria.messaging.simulator.SimulatorClient.assertError;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.json;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.messagingPath;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.textBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What the conversation view reads: an interaction's conversation (accepted calls, failed calls with their status,
 * customer messages, in one order), and the page itself at {@code GET /}.
 */
class ConversationRecordTest extends SimulatorTestSupport {

    @BeforeEach
    void startDemo() {
        start(SimulatorSettings.DEMO);
    }

    @Test
    void keepsAcceptedAndFailedCallsAndCustomerMessagesInOneOrder() {
        client.send("sendText", textBody("4321", "Hello"));
        simulator.injectCustomerMessage("4321", "Hi, I need help");
        simulator.setFaults(Faults.NONE.withUnavailable(1, 3));
        client.send("sendText", textBody("4321", "Refused by the fault"));
        simulator.setFaults(Faults.NONE);
        client.send("sendUrl", "{\"interactionId\":\"4321\",\"entityType\":\"Agent\",\"url\":\"https://example.com\"}");
        simulator.endInteraction("4321");
        client.send("sendText", textBody("4321", "Too late"));

        InteractionRecord interaction = simulator.interaction("4321").orElseThrow();
        assertThat(interaction.accepted()).extracting(AcceptedMessage::sequence, AcceptedMessage::text)
                .containsExactly(tuple(1L, "Hello"));
        assertThat(interaction.customerMessages()).extracting(CustomerMessage::sequence, CustomerMessage::text)
                .containsExactly(tuple(2L, "Hi, I need help"));
        assertThat(interaction.failed())
                .extracting(FailedCall::sequence, FailedCall::operation, FailedCall::status, FailedCall::text,
                        FailedCall::url)
                .containsExactly(
                        tuple(3L, "sendText", 503, "Refused by the fault", null),
                        tuple(4L, "sendUrl", 400, null, "https://example.com"),
                        tuple(5L, "sendText", 410, "Too late", null));
        assertThat(interaction.failed()).extracting(FailedCall::reason)
                .containsExactly("service unavailable", "entityName is required", "interactionId 4321 has ended");
        assertThat(interaction.failed()).extracting(FailedCall::userId).containsOnly("agent-1");
        assertThat(interaction.failed()).extracting(FailedCall::entityName)
                .containsExactly("contactCenterAgent", null, "contactCenterAgent");
        assertThat(simulator.record().refused()).containsEntry(503, 1L).containsEntry(400, 1L).containsEntry(410, 1L);
    }

    @Test
    void keepsADroppedConnectionWithoutStatus() {
        simulator.setFaults(Faults.NONE.withDroppedConnections(1));

        assertThatThrownBy(() -> client.sendRaw(client.request("POST", messagingPath("agent-1", "sendText"),
                client.headers(client.token()), textBody("4322", "Lost")))).isInstanceOf(IOException.class);

        assertThat(simulator.interaction("4322").orElseThrow().failed()).singleElement().satisfies(call -> {
            assertThat(call.status()).isNull();
            assertThat(call.reason()).isEqualTo("connection dropped");
            assertThat(call.text()).isEqualTo("Lost");
        });
    }

    @Test
    void keepsAFailedCallOnlyInAnInteractionItNames() {
        client.send("sendText", textBody("9999", "Nobody"));
        client.send("sendText", "not json");

        assertThat(simulator.record().refused(404)).isEqualTo(1);
        assertThat(simulator.record().refused(400)).isEqualTo(1);
        assertThat(simulator.record().interactions()).allSatisfy(interaction ->
                assertThat(interaction.failed()).isEmpty());
    }

    @Test
    void showsTheConversationUnderSimulatorInteractionsAndForgetsItWithTheRecord() {
        client.send("sendText", textBody("4321", "Hello"));
        simulator.injectCustomerMessage("4321", "Hi");
        simulator.endInteraction("4321");
        client.send("sendText", textBody("4321", "Too late"));

        JsonNode interaction = json(client.admin("GET", "/simulator/interactions/4321", null));
        assertThat(interaction.at("/accepted/0/text").asText()).isEqualTo("Hello");
        assertThat(interaction.at("/customerMessages/0/text").asText()).isEqualTo("Hi");
        assertThat(interaction.at("/customerMessages/0/eventId").asText()).startsWith("evt-");
        assertThat(interaction.at("/failed/0/status").asInt()).isEqualTo(410);
        assertThat(interaction.at("/failed/0/text").asText()).isEqualTo("Too late");

        assertThat(client.admin("DELETE", "/simulator/record", null).statusCode()).isEqualTo(204);

        InteractionRecord cleared = simulator.interaction("4321").orElseThrow();
        assertThat(cleared.accepted()).isEmpty();
        assertThat(cleared.failed()).isEmpty();
        assertThat(cleared.customerMessages()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"/, text/html; charset=utf-8, <script src=\"/conversation.js\"",
            "/conversation.js, text/javascript; charset=utf-8, /simulator/interactions",
            "/conversation.css, text/css; charset=utf-8, .bubble"})
    void servesThePageWithAPolicyThatAllowsNoInlineScript(String path, String contentType, String content) {
        HttpResponse<String> response = client.call("GET", path, Map.of(), null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(contentType);
        assertThat(response.headers().firstValue("Content-Security-Policy")).get().asString()
                .contains("script-src 'self';").doesNotContain("unsafe-inline");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.body()).contains(content);
    }

    @Test
    void answersAnyOtherPathOrMethodOutsideTheApiAsBefore() {
        assertError(client.call("GET", "/index.html", Map.of(), null), 404, "no such resource");
        assertError(client.call("POST", "/", Map.of(), "{}"), 405, "POST");
        assertThat(client.call("HEAD", "/", Map.of(), null).statusCode()).isEqualTo(200);
    }
}
