package io.github.camelalvaria.messaging.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.github.camelalvaria.messaging.simulator.SimulatorClient.DEMO_BODY_TEXT;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TokenEndpointTest {

    private static final HttpClient HTTP = SimulatorClient.newHttpClient();
    private static final String FORM = "grant_type=client_credentials&realm=demo&scope=messagingapi%20streamingapi";

    private AlvariaSimulator simulator;

    @AfterEach
    void stop() {
        simulator.close();
    }

    private SimulatorClient start(SimulatorSettings settings) {
        simulator = AlvariaSimulator.start(settings);
        return new SimulatorClient(HTTP, simulator);
    }

    @Test
    void issuesABearerTokenForTheDemoClientAndCountsIt() {
        SimulatorClient client = start(SimulatorSettings.DEMO);

        HttpResponse<String> response = client.requestToken(basic("demo-client", "demo-secret"), FORM);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode token = SimulatorClient.json(response);
        assertThat(token.get("access_token").asText())
                .matches(Pattern.quote(AlvariaSimulator.TOKEN_PREFIX) + "[A-Za-z0-9_-]{43}");
        assertThat(token.get("scope").asText()).isEqualTo("messagingapi streamingapi");
        assertThat(token.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.get("expires_in").asLong()).isEqualTo(3599);
        assertThat(simulator.tokensIssued()).isEqualTo(1);
        assertThat(client.token()).isNotEqualTo(token.get("access_token").asText());
        assertThat(simulator.tokensIssued()).isEqualTo(2);
    }

    @Test
    void grantsMessagingScopeWhenNoneIsAsked() {
        SimulatorClient client = start(SimulatorSettings.DEMO);

        HttpResponse<String> response = client.requestToken(basic("demo-client", "demo-secret"),
                "grant_type=client_credentials");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(SimulatorClient.json(response).get("scope").asText()).isEqualTo("messagingapi");
    }

    @Test
    void refusesWrongOrMissingClientCredentials() {
        SimulatorClient client = start(SimulatorSettings.DEMO);

        for (String authorization : new String[] {basic("demo-client", "wrong"), basic("someone", "demo-secret"),
                "Basic not-base64!", "Bearer abc", null}) {
            HttpResponse<String> response = client.requestToken(authorization, FORM);
            assertThat(response.statusCode()).as(String.valueOf(authorization)).isEqualTo(401);
            assertThat(SimulatorClient.json(response).get("error").asText()).isEqualTo("invalid_client");
            assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
        }
        assertThat(simulator.tokensIssued()).isZero();
    }

    @Test
    void refusesAnotherGrantTypeAndABadRequest() {
        SimulatorClient client = start(SimulatorSettings.DEMO);
        String demo = basic("demo-client", "demo-secret");

        HttpResponse<String> password = client.requestToken(demo, "grant_type=password&realm=demo");
        assertThat(password.statusCode()).isEqualTo(400);
        assertThat(SimulatorClient.json(password).get("error").asText()).isEqualTo("unsupported_grant_type");

        HttpResponse<String> noGrant = client.requestToken(demo, "realm=demo");
        assertThat(noGrant.statusCode()).isEqualTo(400);
        assertThat(SimulatorClient.json(noGrant).get("error").asText()).isEqualTo("invalid_request");
        assertThat(SimulatorClient.json(noGrant).get("error_description").asText()).contains("grant_type");

        HttpResponse<String> otherRealm = client.requestToken(demo, "grant_type=client_credentials&realm=acme");
        assertThat(otherRealm.statusCode()).isEqualTo(400);
        assertThat(SimulatorClient.json(otherRealm).get("error_description").asText()).contains("realm");
        assertThat(simulator.tokensIssued()).isZero();
    }

    @Test
    void refusesAFormlessBodyAndOtherMethods() throws Exception {
        SimulatorClient client = start(SimulatorSettings.DEMO);

        HttpResponse<String> json = client.sendRaw(HttpRequest.newBuilder(URI.create(simulator.tokenUrl() + "?realm=demo"))
                .header("Authorization", basic("demo-client", "demo-secret"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}"))
                .build());
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(SimulatorClient.json(json).get("error").asText()).isEqualTo("invalid_request");

        HttpResponse<String> get = client.sendRaw(HttpRequest.newBuilder(URI.create(simulator.tokenUrl())).build());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void aTokenStopsWorkingWhenItsExpiresInHasPassed() {
        SimulatorClient client = start(SimulatorSettings.DEMO.withTokenExpiresInSeconds(1));
        HttpResponse<String> tokenResponse = client.requestToken(basic("demo-client", "demo-secret"), FORM);
        assertThat(SimulatorClient.json(tokenResponse).get("expires_in").asInt()).isEqualTo(1);
        String token = SimulatorClient.json(tokenResponse).get("access_token").asText();
        String path = SimulatorClient.messagingPath("agent-1", "sendText");

        assertThat(client.post(path, client.headers(token), DEMO_BODY_TEXT).statusCode()).isEqualTo(202);
        long issuedAt = System.nanoTime();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.post(path, client.headers(token), DEMO_BODY_TEXT).statusCode() == 401);
        assertThat(Duration.ofNanos(System.nanoTime() - issuedAt)).isLessThan(Duration.ofSeconds(3));
        HttpResponse<String> expired = client.post(path, client.headers(token), DEMO_BODY_TEXT);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).isEmpty();
        assertThat(expired.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
    }

    @Test
    void expiringAllTokensAnswersTheirNextCall401AndTheRecordCountsEveryCallWithADeadToken() {
        SimulatorClient client = start(SimulatorSettings.DEMO);
        String token = client.token();
        String path = SimulatorClient.messagingPath("agent-1", "sendText");
        assertThat(client.post(path, client.headers(token), DEMO_BODY_TEXT).statusCode()).isEqualTo(202);

        assertThat(client.admin("POST", "/simulator/tokens/expire", null).statusCode()).isEqualTo(204);

        assertThat(client.post(path, client.headers(token), DEMO_BODY_TEXT).statusCode()).isEqualTo(401);
        assertThat(client.post(SimulatorClient.streamingPath("session"), client.streamingHeaders(token, null), "{}")
                .statusCode()).isEqualTo(401);
        assertThat(client.post(path, client.headers(client.token()), DEMO_BODY_TEXT).statusCode()).isEqualTo(202);
        JsonNode record = SimulatorClient.json(client.admin("GET", "/simulator/interactions", null));
        assertThat(record.get("deadTokensRefused").asLong()).as("the messaging and the streaming call").isEqualTo(2);
        assertThat(record.get("refused").get("401").asLong()).as("the messaging call alone").isEqualTo(1);
    }

    @Test
    void aTokenWithoutMessagingScopeIsRefused() {
        SimulatorClient client = start(SimulatorSettings.DEMO);
        String streamingOnly = SimulatorClient.json(client.requestToken(basic("demo-client", "demo-secret"),
                "grant_type=client_credentials&realm=demo&scope=streamingapi")).get("access_token").asText();

        HttpResponse<String> response = client.post(SimulatorClient.messagingPath("agent-1", "sendText"),
                client.headers(streamingOnly), DEMO_BODY_TEXT);

        assertThat(response.statusCode()).isEqualTo(401);
    }
}
