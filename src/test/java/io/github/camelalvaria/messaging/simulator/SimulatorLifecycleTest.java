package io.github.camelalvaria.messaging.simulator;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.github.camelalvaria.messaging.simulator.SimulatorClient.DEMO_BODY_TEXT;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.basic;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.messagingPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatorLifecycleTest {

    private static final HttpClient HTTP = SimulatorClient.newHttpClient();

    @Test
    void startsQuicklyOnLoopbackAndStopsPromptlyReleasingItsPort() throws Exception {
        long starting = System.nanoTime();
        AlvariaSimulator simulator = AlvariaSimulator.start(SimulatorSettings.DEMO);
        assertThat(Duration.ofNanos(System.nanoTime() - starting)).isLessThan(Duration.ofSeconds(1));
        int port = simulator.port();
        assertThat(simulator.baseUrl()).isEqualTo("http://127.0.0.1:" + port);
        assertThat(simulator.tokenUrl()).isEqualTo("http://127.0.0.1:" + port + "/tokenservice/oauth2/access_token");
        SimulatorClient client = new SimulatorClient(HTTP, simulator);
        assertThat(client.send("sendText", DEMO_BODY_TEXT).statusCode()).isEqualTo(202);

        long stopping = System.nanoTime();
        simulator.close();
        assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(1));

        assertThatThrownBy(() -> client.sendRaw(client.request("POST", messagingPath("agent-1", "sendText"),
                Map.of(), DEMO_BODY_TEXT))).isInstanceOf(IOException.class);
        try (AlvariaSimulator again = AlvariaSimulator.start(SimulatorSettings.DEMO.withPort(port))) {
            assertThat(again.port()).isEqualTo(port);
            assertThat(new SimulatorClient(HTTP, again).send("sendText", DEMO_BODY_TEXT).statusCode()).isEqualTo(202);
        }
    }

    @Test
    void aTakenPortFailsTheStartWithoutSecrets() {
        try (AlvariaSimulator first = AlvariaSimulator.start(SimulatorSettings.DEMO)) {
            assertThatThrownBy(() -> AlvariaSimulator.start(SimulatorSettings.DEMO.withPort(first.port())))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(Integer.toString(first.port()))
                    .hasMessageNotContaining("demo-secret");
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        AlvariaSimulator simulator = AlvariaSimulator.start(SimulatorSettings.DEMO);
        simulator.close();
        simulator.close();
    }

    @Test
    void neitherTheSimulatorNorItsLogShowsSecrets() {
        String apiKey = "api-key-6f1c";
        String clientSecret = "client-secret-9d2e";
        SimulatorSettings settings = SimulatorSettings.DEMO.withApiKey(apiKey).withClient("client-7", clientSecret);
        String token;
        List<String> lines;
        try (CapturedLog log = new CapturedLog()) {
            try (AlvariaSimulator simulator = AlvariaSimulator.start(settings)) {
                assertThat(simulator.toString()).doesNotContain(apiKey, clientSecret);
                SimulatorClient client = new SimulatorClient(HTTP, simulator);
                token = SimulatorClient.json(client.requestToken(basic("client-7", clientSecret),
                        "grant_type=client_credentials")).get("access_token").asText();
                assertThat(client.requestToken(basic("client-7", "not-" + clientSecret), "grant_type=client_credentials")
                        .statusCode()).isEqualTo(401);
                Map<String, String> headers = client.headers(token);
                headers.put("x-api-key", apiKey);
                assertThat(client.post(messagingPath("agent-1", "sendText"), headers, DEMO_BODY_TEXT).statusCode())
                        .isEqualTo(202);
                headers.put("x-api-key", "not-" + apiKey);
                assertThat(client.post(messagingPath("agent-1", "sendText"), headers, DEMO_BODY_TEXT).statusCode())
                        .isEqualTo(401);
                headers.put("Authorization", "Bearer not-" + token);
                assertThat(client.post(messagingPath("agent-1", "sendText"), headers, DEMO_BODY_TEXT).statusCode())
                        .isEqualTo(401);
            }
            lines = log.lines();
        }

        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("INFO").contains("listening on"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("INFO").contains("stopped"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("DEBUG")
                .isEqualTo("DEBUG POST /via/v2/organizations/demo/messaging/users/agent-1/sendText -> 202"));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("-> 401 (x-api-key wrong)"));
        String basicCredentials = Base64.getEncoder()
                .encodeToString(("client-7:" + clientSecret).getBytes(StandardCharsets.UTF_8));
        assertThat(lines).allSatisfy(line -> assertThat(line)
                .doesNotContain(apiKey, clientSecret, token, basicCredentials, "Bearer", "Basic"));
    }
}
