package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The tests' client of a simulator, with the JDK HttpClient and the demo settings' credentials. */
final class SimulatorClient {

    static final String DEMO_BODY_TEXT = "{\"interactionId\":\"4321\",\"entityName\":\"contactCenterAgent\","
            + "\"entityType\":\"Agent\",\"text\":\"Hi this is an example of a text string.\"}";

    /** Immutable, unlike an ObjectMapper, so it can be shared. */
    private static final ObjectReader JSON = new ObjectMapper().reader();

    private final HttpClient http;
    private final AlvariaSimulator simulator;

    SimulatorClient(HttpClient http, AlvariaSimulator simulator) {
        this.http = http;
        this.simulator = simulator;
    }

    static HttpClient newHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    static String basic(String clientId, String clientSecret) {
        return "Basic " + Base64.getEncoder()
                .encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    }

    static String messagingPath(String userId, String operation) {
        return "/via/v2/organizations/demo/messaging/users/" + userId + "/" + operation;
    }

    static String textBody(String interactionId, String text) {
        return "{\"interactionId\":\"" + interactionId + "\",\"entityName\":\"contactCenterAgent\","
                + "\"entityType\":\"Agent\",\"text\":\"" + text + "\"}";
    }

    HttpResponse<String> requestToken(String authorization, String form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(simulator.tokenUrl() + "?realm=demo"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return sendOrFail(request.build());
    }

    /** A fresh token of the demo client. */
    String token() {
        HttpResponse<String> response = requestToken(basic("demo-client", "demo-secret"),
                "grant_type=client_credentials&realm=demo&scope=messagingapi%20streamingapi");
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response).get("access_token").asText();
    }

    /** The headers of a valid messaging call, to change one at a time. */
    Map<String, String> headers(String token) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + token);
        headers.put("x-api-key", "demo-api-key");
        headers.put("via-client-sessionid", "session-1");
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json");
        return headers;
    }

    static String streamingPath(String resource) {
        return "/via/v2/organizations/demo/streaming/" + resource;
    }

    /** The headers of a valid streaming call on {@code sessionId} (none when null), to change one at a time. */
    Map<String, String> streamingHeaders(String token, String sessionId) {
        Map<String, String> headers = headers(token);
        headers.remove("via-client-sessionid");
        if (sessionId != null) {
            headers.put("via-client-sessionid", sessionId);
        }
        return headers;
    }

    /** {@code POST .../streaming/session} with {@code body} and a fresh token. */
    HttpResponse<String> createSession(String body) {
        return post(streamingPath("session"), streamingHeaders(token(), null), body);
    }

    /** A new session's id; {@code body} asks for its options. */
    String newSession(String body) {
        HttpResponse<String> response = createSession(body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response).get("sessionId").asText();
    }

    /** {@code GET .../streaming/events} on {@code sessionId} with a fresh token. */
    HttpResponse<String> poll(String sessionId) {
        return sendOrFail(pollRequest(sessionId));
    }

    CompletableFuture<HttpResponse<String>> pollAsync(String sessionId) {
        return http.sendAsync(pollRequest(sessionId), HttpResponse.BodyHandlers.ofString());
    }

    /** The events of a 200 answer to {@code GET /events}. */
    static JsonNode events(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode events = json(response).get("events");
        assertThat(events).isNotNull();
        assertThat(events.isArray()).isTrue();
        return events;
    }

    /** {@code DELETE .../streaming/session} of {@code sessionId}, or another streaming call without a body. */
    HttpResponse<String> streaming(String method, String resource, String sessionId, String body) {
        return call(method, streamingPath(resource), streamingHeaders(token(), sessionId), body);
    }

    private HttpRequest pollRequest(String sessionId) {
        return request("GET", streamingPath("events"), streamingHeaders(token(), sessionId), null);
    }

    HttpResponse<String> post(String path, Map<String, String> headers, String body) {
        return call("POST", path, headers, body);
    }

    HttpResponse<String> call(String method, String path, Map<String, String> headers, String body) {
        return sendOrFail(request(method, path, headers, body));
    }

    /** A valid call but for {@code body}, as agent-1 of org demo with a fresh token. */
    HttpResponse<String> send(String operation, String body) {
        return post(messagingPath("agent-1", operation), headers(token()), body);
    }

    HttpRequest request(String method, String path, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return request.build();
    }

    /** A call to the simulator's own controls. */
    HttpResponse<String> admin(String method, String path, String body) {
        Map<String, String> headers = body == null ? Map.of() : Map.of("Content-Type", "application/json");
        return sendOrFail(request(method, path, headers, body));
    }

    /** Sends and lets a connection failure through as it is, for the tests that expect one. */
    HttpResponse<String> sendRaw(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    /** The reference's ErrorResponse with {@code status}, its message and a detail's naming {@code named}. */
    static void assertError(HttpResponse<String> response, int status, String named) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode error = json(response);
        assertThat(error.get("code").asInt()).isEqualTo(status);
        assertThat(error.get("message").asText()).contains(named);
        assertThat(error.get("errors")).isNotEmpty();
        for (JsonNode detail : error.get("errors")) {
            assertThat(detail.fieldNames()).toIterable().containsExactlyInAnyOrder("scope", "reason", "message");
        }
        assertThat(error.get("errors").findValuesAsText("message")).anySatisfy(m -> assertThat(m).contains(named));
    }

    private HttpResponse<String> sendOrFail(HttpRequest request) {
        try {
            return sendRaw(request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
