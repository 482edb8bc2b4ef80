package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.github.camelalvaria.messaging.simulator.SimulatorClient.DEMO_BODY_TEXT;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.assertError;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.messagingPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every rule of the reference for the headers and bodies of the three calls; nothing refused is recorded. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageValidationTest {

    private static final ObjectReader JSON = new ObjectMapper().reader();
    private static final Map<String, String> VALID_BODIES = Map.of(
            "sendText", DEMO_BODY_TEXT,
            "sendUrl", "{\"interactionId\":\"4321\",\"entityName\":\"contactCenterAgent\",\"entityType\":\"Agent\","
                    + "\"url\":\"https://www.alvaria.com\"}",
            "notification", "{\"interactionId\":\"4321\",\"entityName\":\"contactCenterAgent\","
                    + "\"entityType\":\"Agent\",\"state\":\"composing\",\"expiresAfterSeconds\":10}");
    private static final Map<String, String> CONTENT_FIELDS = Map.of(
            "sendText", "text", "sendUrl", "url", "notification", "state");

    private final AlvariaSimulator simulator = AlvariaSimulator.start(SimulatorSettings.DEMO);
    private final SimulatorClient client = new SimulatorClient(SimulatorClient.newHttpClient(), simulator);
    private final String token = client.token();

    @AfterAll
    void stop() {
        simulator.close();
    }

    @BeforeEach
    void clear() {
        simulator.clearRecord();
    }

    /** The reference names no size limit; the simulator's is configurable, and a body over it is answered 413. */
    @Test
    void aBodyOverTheSizeLimitIsRefused413NamingItsSizeAndOneAtTheLimitIsTaken() {
        try (AlvariaSimulator small = AlvariaSimulator.start(SimulatorSettings.DEMO.withMaxRequestBytes(2_000))) {
            SimulatorClient smallClient = new SimulatorClient(SimulatorClient.newHttpClient(), small);
            String start = "{\"interactionId\":\"4321\",\"entityName\":\"a\",\"entityType\":\"Agent\",\"text\":\"";
            String atLimit = start + "x".repeat(2_000 - start.length() - 2) + "\"}";

            assertThat(smallClient.send("sendText", atLimit).statusCode()).isEqualTo(202);
            assertError(smallClient.send("sendText", atLimit.replace("\"text\":\"", "\"text\":\"x")), 413,
                        "request body of 2001 bytes is over the limit of 2000 bytes");
            assertThat(small.record().acceptedCount()).isEqualTo(1);
            assertThat(small.record().refused(413)).isEqualTo(1);
        }
    }

    static Stream<Arguments> unreadableBodies() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (String operation : VALID_BODIES.keySet()) {
            for (String field : List.of("interactionId", "entityName", "entityType", CONTENT_FIELDS.get(operation))) {
                cases.add(arguments(operation, without(operation, field), field + " is required"));
                cases.add(arguments(operation, with(operation, field, "null"), field + " is required"));
                cases.add(arguments(operation, with(operation, field, "\"\""), field + " must not be blank"));
                cases.add(arguments(operation, with(operation, field, "\"  \""), field + " must not be blank"));
                cases.add(arguments(operation, with(operation, field, "42"), field + " must be a string"));
                cases.add(arguments(operation, with(operation, field, "true"), field + " must be a string"));
                cases.add(arguments(operation, with(operation, field, "[\"Agent\"]"), field + " must be a string"));
                cases.add(arguments(operation, with(operation, field, "{\"a\":1}"), field + " must be a string"));
            }
            for (String notAnObject : List.of("{", "", "[]", "null", "\"text\"", "{\"interactionId\":\"4321\"",
                    VALID_BODIES.get(operation) + " {}",
                    "{\"interactionId\":\"4321\",\"interactionId\":\"4322\",\"entityName\":\"a\"}")) {
                cases.add(arguments(operation, notAnObject, "request body must be a JSON object"));
            }
        }
        for (String notAnInteger : List.of("\"ten\"", "\"10\"", "10.5", "10.0", "true", "[10]")) {
            cases.add(arguments("notification", with("notification", "expiresAfterSeconds", notAnInteger),
                    "expiresAfterSeconds must be an integer"));
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0} {1} -> 400 naming \"{2}\"")
    @MethodSource("unreadableBodies")
    void answers400NamingTheField(String operation, String body, String message) {
        assertError(post(operation, client.headers(token), body), 400, message);
        assertThat(simulator.record().acceptedCount()).isZero();
    }

    static Stream<Arguments> unprocessableBodies() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (String operation : VALID_BODIES.keySet()) {
            for (String entityType : List.of("agent", "AGENT", "monitor", "system", "Bot", "Agent ")) {
                cases.add(arguments(operation, with(operation, "entityType", "\"" + entityType + "\""),
                        "entityType must be one of Agent, Monitor, System"));
            }
        }
        for (String state : List.of("Composing", "COMPOSING", "paused", "composing ")) {
            cases.add(arguments("notification", with("notification", "state", "\"" + state + "\""),
                    "state must be composing"));
        }
        for (String seconds : List.of("0", "31", "-1", "1000", "2147483648")) {
            cases.add(arguments("notification", with("notification", "expiresAfterSeconds", seconds),
                    "expiresAfterSeconds must be between 1 and 30"));
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0} {1} -> 422 naming \"{2}\"")
    @MethodSource("unprocessableBodies")
    void answers422NamingTheField(String operation, String body, String message) {
        assertError(post(operation, client.headers(token), body), 422, message);
        assertThat(simulator.record().acceptedCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 30})
    void acceptsExpiresAfterSecondsAtItsBounds(int seconds) {
        HttpResponse<String> response = post("notification", client.headers(token),
                with("notification", "expiresAfterSeconds", Integer.toString(seconds)));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(simulator.accepted("4321")).extracting(AcceptedMessage::expiresAfterSeconds).containsExactly(seconds);
    }

    @Test
    void acceptsEveryEntityTypeOfTheEnum() {
        for (String entityType : List.of("Agent", "Monitor", "System")) {
            assertThat(post("sendText", client.headers(token), with("sendText", "entityType", "\"" + entityType + "\""))
                    .statusCode()).isEqualTo(202);
        }
        assertThat(simulator.accepted("4321")).extracting(AcceptedMessage::entityType)
                .containsExactly("Agent", "Monitor", "System");
    }

    static Stream<Arguments> badHeaders() {
        return Stream.of(
                arguments("via-client-sessionid", null, "via-client-sessionid header is required"),
                arguments("via-client-sessionid", "", "via-client-sessionid header is required"),
                arguments("via-client-sessionid", "   ", "via-client-sessionid header is required"),
                arguments("Content-Type", null, "Content-Type must be application/json"),
                arguments("Content-Type", "text/plain", "Content-Type must be application/json"),
                arguments("Content-Type", "application/x-www-form-urlencoded", "Content-Type must be application/json"));
    }

    @ParameterizedTest(name = "{0}: \"{1}\" -> 400")
    @MethodSource("badHeaders")
    void answers400NamingTheHeader(String header, String value, String message) {
        for (String operation : VALID_BODIES.keySet()) {
            assertError(post(operation, headersWith(header, value), VALID_BODIES.get(operation)), 400, message);
        }
        assertThat(simulator.record().acceptedCount()).isZero();
    }

    static Stream<Arguments> unauthorizedHeaders() {
        return Stream.of(
                arguments("Authorization", null),
                arguments("Authorization", "Bearer unknown-token"),
                arguments("Authorization", "Bearer"),
                arguments("Authorization", SimulatorClient.basic("demo-client", "demo-secret")),
                arguments("x-api-key", null),
                arguments("x-api-key", ""),
                arguments("x-api-key", "wrong-api-key"),
                arguments("x-api-key", "DEMO-API-KEY"));
    }

    @ParameterizedTest(name = "{0}: \"{1}\" -> 401")
    @MethodSource("unauthorizedHeaders")
    void answers401WithAnEmptyBody(String header, String value) {
        for (String operation : VALID_BODIES.keySet()) {
            HttpResponse<String> response = post(operation, headersWith(header, value), VALID_BODIES.get(operation));
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).isEmpty();
        }
        assertThat(simulator.record().refused(401)).isEqualTo(3);
        assertThat(simulator.record().acceptedCount()).isZero();
    }

    @Test
    void aCharsetOnTheContentTypeIsFine() {
        HttpResponse<String> response = post("sendText", headersWith("Content-Type", "application/json; charset=UTF-8"),
                DEMO_BODY_TEXT);

        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void authenticationIsCheckedBeforeTheBody() {
        assertThat(post("sendText", headersWith("x-api-key", null), "{").statusCode()).isEqualTo(401);
    }

    @Test
    void listsEveryProblemAnd400WinsOver422() {
        ObjectNode body = (ObjectNode) parse(DEMO_BODY_TEXT);
        body.remove("interactionId");
        body.put("entityType", "agent");
        body.put("text", 7);

        HttpResponse<String> response = post("sendText", headersWith("via-client-sessionid", null), body.toString());

        assertError(response, 400, "interactionId is required");
        JsonNode error = SimulatorClient.json(response);
        assertThat(error.get("message").asText()).contains("via-client-sessionid", "text must be a string")
                .doesNotContain("entityType");
        assertThat(error.get("errors").findValuesAsText("message")).containsExactly(
                "via-client-sessionid header is required", "interactionId is required", "text must be a string");
        assertThat(error.get("errors").findValuesAsText("scope")).containsExactly("header", "body", "body");
    }

    @Test
    void listsEveryValueOutOfRange() {
        ObjectNode body = (ObjectNode) parse(VALID_BODIES.get("notification"));
        body.put("entityType", "Bot");
        body.put("state", "paused");
        body.put("expiresAfterSeconds", 31);

        HttpResponse<String> response = post("notification", client.headers(token), body.toString());

        assertError(response, 422, "entityType");
        assertThat(SimulatorClient.json(response).get("errors").findValuesAsText("message")).containsExactly(
                "entityType must be one of Agent, Monitor, System", "state must be composing",
                "expiresAfterSeconds must be between 1 and 30");
    }

    private HttpResponse<String> post(String operation, Map<String, String> headers, String body) {
        return client.post(messagingPath("agent-1", operation), headers, body);
    }

    /** Valid headers but one: null leaves it out. */
    private Map<String, String> headersWith(String header, String value) {
        Map<String, String> headers = client.headers(token);
        if (value == null) {
            headers.remove(header);
        } else {
            headers.put(header, value);
        }
        return headers;
    }

    private static String with(String operation, String field, String jsonValue) {
        ObjectNode body = (ObjectNode) parse(VALID_BODIES.get(operation));
        body.set(field, parse(jsonValue));
        return body.toString();
    }

    private static String without(String operation, String field) {
        ObjectNode body = (ObjectNode) parse(VALID_BODIES.get(operation));
        body.remove(field);
        return body.toString();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
