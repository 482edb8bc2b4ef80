package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.github.camelalvaria.messaging.simulator.SimulatorClient.DEMO_BODY_TEXT;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.assertError;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.messagingPath;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.textBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class MessagingCallsTest extends SimulatorTestSupport {


    @BeforeEach
    void startDemo() {
        start(SimulatorSettings.DEMO);
    }

    @Test
    void acceptsTextAndRecordsIt() {
        Instant before = Instant.now();

        HttpResponse<String> response = client.send("sendText", DEMO_BODY_TEXT);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).isEmpty();
        List<AcceptedMessage> accepted = simulator.accepted("4321");
        assertThat(accepted).singleElement().satisfies(message -> {
            assertThat(message.sequence()).isEqualTo(1);
            assertThat(message.operation()).isEqualTo("sendText");
            assertThat(message.interactionId()).isEqualTo("4321");
            assertThat(message.userId()).isEqualTo("agent-1");
            assertThat(message.entityName()).isEqualTo("contactCenterAgent");
            assertThat(message.entityType()).isEqualTo("Agent");
            assertThat(message.text()).isEqualTo("Hi this is an example of a text string.");
            assertThat(message.url()).isNull();
            assertThat(message.state()).isNull();
            assertThat(message.expiresAfterSeconds()).isNull();
            assertThat(message.sessionId()).isEqualTo("session-1");
            assertThat(message.receivedAt()).isBetween(before, Instant.now());
        });
    }

    @Test
    void acceptsAUrlAndRecordsIt() {
        HttpResponse<String> response = client.send("sendUrl", "{\"interactionId\":\"4322\",\"entityName\":\"sup\","
                + "\"entityType\":\"Monitor\",\"url\":\"https://www.alvaria.com\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(simulator.accepted("4322")).singleElement().satisfies(message -> {
            assertThat(message.operation()).isEqualTo("sendUrl");
            assertThat(message.entityType()).isEqualTo("Monitor");
            assertThat(message.url()).isEqualTo("https://www.alvaria.com");
            assertThat(message.text()).isNull();
        });
    }

    @Test
    void acceptsANotificationWithAndWithoutExpiryAndRecordsIt() {
        String withExpiry = "{\"interactionId\":\"4321\",\"entityName\":\"contactCenterAgent\","
                + "\"entityType\":\"System\",\"state\":\"composing\",\"expiresAfterSeconds\":10}";
        String withoutExpiry = "{\"interactionId\":\"4321\",\"entityName\":\"contactCenterAgent\","
                + "\"entityType\":\"Agent\",\"state\":\"composing\"}";

        assertThat(client.send("notification", withExpiry).statusCode()).isEqualTo(202);
        assertThat(client.send("notification", withoutExpiry).statusCode()).isEqualTo(202);

        assertThat(simulator.accepted("4321")).extracting(AcceptedMessage::operation, AcceptedMessage::state,
                        AcceptedMessage::expiresAfterSeconds, AcceptedMessage::entityType, AcceptedMessage::sequence)
                .containsExactly(
                        tuple("notification", "composing", 10, "System", 1L),
                        tuple("notification", "composing", null, "Agent", 2L));
    }

    @Test
    void keepsTheOrderOfAcceptanceAcrossInteractions() {
        String token = client.token();
        for (String interactionId : List.of("4321", "4322", "4321")) {
            assertThat(client.post(messagingPath("agent-1", "sendText"), client.headers(token),
                    textBody(interactionId, "to " + interactionId)).statusCode()).isEqualTo(202);
        }

        assertThat(simulator.accepted("4321")).extracting(AcceptedMessage::sequence).containsExactly(1L, 3L);
        assertThat(simulator.accepted("4322")).extracting(AcceptedMessage::sequence).containsExactly(2L);
        assertThat(simulator.record().acceptedCount()).isEqualTo(3);
    }

    @Test
    void recordsEveryOneOfManyConcurrentCallsOnce() {
        String token = client.token();
        int calls = 200;

        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, calls)
                .mapToObj(call -> HTTP.sendAsync(client.request("POST", messagingPath("agent-1", "sendText"),
                        client.headers(token), textBody(call % 2 == 0 ? "4321" : "4322", "call " + call)),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();

        assertThat(responses).allSatisfy(response -> assertThat(response.join().statusCode()).isEqualTo(202));
        List<AcceptedMessage> accepted = simulator.record().interactions().stream()
                .flatMap(interaction -> interaction.accepted().stream()).toList();
        assertThat(accepted).extracting(AcceptedMessage::sequence).doesNotHaveDuplicates()
                .allSatisfy(sequence -> assertThat(sequence).isBetween(1L, (long) calls));
        assertThat(accepted).extracting(AcceptedMessage::text).doesNotHaveDuplicates().hasSize(calls);
        assertThat(simulator.accepted("4321")).extracting(AcceptedMessage::sequence).isSorted();
    }

    @Test
    void ignoresFieldsTheSchemaDoesNotName() {
        HttpResponse<String> response = client.send("sendText", "{\"interactionId\":\"4321\",\"entityName\":\"a\","
                + "\"entityType\":\"Agent\",\"text\":\"hi\",\"priority\":\"high\",\"expiresAfterSeconds\":99}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(simulator.accepted("4321")).singleElement()
                .satisfies(message -> assertThat(message.expiresAfterSeconds()).isNull());
    }

    @Test
    void answers404ForAnUnknownOrganization() {
        HttpResponse<String> response = client.post("/via/v2/organizations/acme/messaging/users/agent-1/sendText",
                client.headers(client.token()), DEMO_BODY_TEXT);

        assertError(response, 404, "acme");
        assertThat(simulator.accepted("4321")).isEmpty();
    }

    @Test
    void answers404ForAnUnknownUser() {
        HttpResponse<String> response = client.post(messagingPath("agent-9", "sendText"),
                client.headers(client.token()), DEMO_BODY_TEXT);

        assertError(response, 404, "agent-9");
    }

    @Test
    void answers404ForAnUnknownInteractionOrOneOfAnotherUser() {
        assertError(client.send("sendText", textBody("9999", "hi")), 404, "9999");

        simulator.addInteraction("5000", "agent-2");
        assertError(client.send("sendText", textBody("5000", "hi")), 404, "5000");
        assertThat(client.post(messagingPath("agent-2", "sendText"), client.headers(client.token()),
                textBody("5000", "hi")).statusCode()).isEqualTo(202);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/via/v2/organizations/demo/messaging/users/agent-1/sendSms",
            "/via/v2/organizations/demo/messaging/users/agent-1/sendText/extra",
            "/via/v2/organizations/demo/messaging/users//sendText",
            "/via/v3/organizations/demo/messaging/users/agent-1/sendText",
            "/nowhere"})
    void answers404ForAPathThatIsNoMessagingCall(String path) {
        HttpResponse<String> response = client.post(path, client.headers(client.token()), DEMO_BODY_TEXT);

        assertError(response, 404, "no such resource");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE", "PATCH"})
    void answers405ForAnotherMethod(String method) throws Exception {
        HttpResponse<String> response = client.sendRaw(client.request(method,
                messagingPath("agent-1", "sendText"), client.headers(client.token()),
                method.equals("GET") || method.equals("DELETE") ? null : DEMO_BODY_TEXT));

        assertError(response, 405, method);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        assertThat(simulator.record().refused(405)).isEqualTo(1);
    }

    @Test
    void answers410OnceAnInteractionHasEnded() {
        assertThat(client.send("sendText", DEMO_BODY_TEXT).statusCode()).isEqualTo(202);

        assertThat(client.admin("DELETE", "/simulator/interactions/4321", null).statusCode()).isEqualTo(204);

        assertError(client.send("sendText", DEMO_BODY_TEXT), 410, "4321");
        assertError(client.send("notification", "{\"interactionId\":\"4321\",\"entityName\":\"a\","
                + "\"entityType\":\"Agent\",\"state\":\"composing\"}"), 410, "4321");
        assertThat(simulator.interaction("4321")).hasValueSatisfying(interaction -> {
            assertThat(interaction.ended()).isTrue();
            assertThat(interaction.accepted()).hasSize(1);
        });
        assertThat(simulator.record().refused(410)).isEqualTo(2);
        assertThat(client.send("sendText", textBody("4322", "still open")).statusCode()).isEqualTo(202);
    }

    @Test
    void addsInteractionsAtRunTime() {
        HttpResponse<String> added = client.admin("POST", "/simulator/interactions",
                "{\"interactionId\":\"7001\",\"userId\":\"agent-7\"}");

        assertThat(added.statusCode()).isEqualTo(201);
        JsonNode interaction = SimulatorClient.json(added);
        assertThat(interaction.get("interactionId").asText()).isEqualTo("7001");
        assertThat(interaction.get("userId").asText()).isEqualTo("agent-7");
        assertThat(interaction.get("ended").asBoolean()).isFalse();
        assertThat(client.post(messagingPath("agent-7", "sendText"), client.headers(client.token()),
                textBody("7001", "hello")).statusCode()).isEqualTo(202);
        assertThat(simulator.accepted("7001")).extracting(AcceptedMessage::text).containsExactly("hello");

        assertThat(client.admin("POST", "/simulator/interactions",
                "{\"interactionId\":\"7001\",\"userId\":\"agent-7\"}").statusCode()).isEqualTo(409);
        assertError(client.admin("POST", "/simulator/interactions", "{\"interactionId\":\"7002\"}"), 400, "userId");
        assertError(client.admin("POST", "/simulator/interactions", "[]"), 400, "JSON object");
        assertError(client.admin("GET", "/simulator/interactions/nope", null), 404, "nope");
        assertError(client.admin("DELETE", "/simulator/interactions/nope", null), 404, "nope");
    }

    @Test
    void theRecordOverHttpListsInteractionsMessagesAndCounts() {
        assertThat(client.send("sendText", DEMO_BODY_TEXT).statusCode()).isEqualTo(202);
        assertThat(client.send("sendUrl", "{\"interactionId\":\"4321\",\"entityName\":\"a\",\"entityType\":\"Agent\","
                + "\"url\":\"https://example.org\"}").statusCode()).isEqualTo(202);
        assertThat(client.send("sendText", textBody("4321", "")).statusCode()).isEqualTo(400);
        assertThat(client.send("sendText", textBody("9999", "x")).statusCode()).isEqualTo(404);

        HttpResponse<String> response = client.admin("GET", "/simulator/interactions", null);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode record = SimulatorClient.json(response);
        assertThat(record.get("interactions")).hasSize(2);
        JsonNode first = record.get("interactions").get(0);
        assertThat(first.get("interactionId").asText()).isEqualTo("4321");
        assertThat(first.get("userId").asText()).isEqualTo("agent-1");
        assertThat(first.get("ended").asBoolean()).isFalse();
        assertThat(first.get("accepted")).hasSize(2);
        JsonNode text = first.get("accepted").get(0);
        assertThat(text.get("sequence").asLong()).isEqualTo(1);
        assertThat(text.get("operation").asText()).isEqualTo("sendText");
        assertThat(text.get("text").asText()).isEqualTo("Hi this is an example of a text string.");
        assertThat(text.has("url")).isFalse();
        assertThat(text.get("entityName").asText()).isEqualTo("contactCenterAgent");
        assertThat(text.get("entityType").asText()).isEqualTo("Agent");
        assertThat(text.get("userId").asText()).isEqualTo("agent-1");
        assertThat(Instant.parse(text.get("receivedAt").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(first.get("accepted").get(1).get("url").asText()).isEqualTo("https://example.org");
        assertThat(record.get("interactions").get(1).get("accepted")).isEmpty();
        assertThat(record.get("refused").get("400").asLong()).isEqualTo(1);
        assertThat(record.get("refused").get("404").asLong()).isEqualTo(1);
        assertThat(record.get("droppedConnections").asLong()).isZero();
        assertThat(record.get("droppedAfterAccept").asLong()).isZero();
        assertThat(record.get("tokensIssued").asLong()).isEqualTo(4);

        JsonNode one = SimulatorClient.json(client.admin("GET", "/simulator/interactions/4321", null));
        assertThat(one).isEqualTo(first);
    }

    @Test
    void clearingTheRecordForgetsMessagesAndCountsButKeepsInteractions() {
        assertThat(client.send("sendText", DEMO_BODY_TEXT).statusCode()).isEqualTo(202);
        assertThat(client.send("sendText", textBody("9999", "x")).statusCode()).isEqualTo(404);
        simulator.endInteraction("4322");

        assertThat(client.admin("DELETE", "/simulator/record", null).statusCode()).isEqualTo(204);

        SimulatorRecord record = simulator.record();
        assertThat(record.acceptedCount()).isZero();
        assertThat(record.refused()).isEmpty();
        assertThat(record.tokensIssued()).isZero();
        assertThat(record.interactions()).extracting(InteractionRecord::interactionId, InteractionRecord::ended)
                .containsExactly(tuple("4321", false),
                        tuple("4322", true));
        assertThat(client.send("sendText", DEMO_BODY_TEXT).statusCode()).isEqualTo(202);
        assertThat(simulator.accepted("4321")).extracting(AcceptedMessage::sequence).containsExactly(1L);
    }

    @Test
    void theAdminPathsAnswer404And405() {
        assertError(client.admin("GET", "/simulator/nothing", null), 404, "no such resource");
        assertThat(client.admin("PUT", "/simulator/interactions", "{}").statusCode()).isEqualTo(405);
        assertThat(client.admin("GET", "/simulator/record", null).statusCode()).isEqualTo(405);
        assertThat(client.admin("GET", "/simulator/tokens/expire", null).statusCode()).isEqualTo(405);
        assertThat(client.admin("POST", "/simulator/faults", "{}").headers().firstValue("Allow")).hasValue("GET, PUT");
    }
}
