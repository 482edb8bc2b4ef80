package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.github.camelalvaria.messaging.simulator.SimulatorClient.DEMO_BODY_TEXT;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.assertError;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.events;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.json;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.messagingPath;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.streamingPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The streaming session's life: creation, deletion, inactivity, one poll at a time, strict sessions, admin. */
class StreamingSessionTest extends SimulatorTestSupport {

    private static final Duration BOUND = Duration.ofSeconds(5);

    /** The ErrorResponse of a session that is not live: 404, naming the header, reason sessionNotFound. */
    private static void assertSessionNotFound(HttpResponse<String> response) {
        assertError(response, 404, "via-client-sessionid");
        JsonNode detail = json(response).get("errors").get(0);
        assertThat(detail.get("scope").asText()).isEqualTo("header");
        assertThat(detail.get("reason").asText()).isEqualTo("sessionNotFound");
    }

    @Test
    void createsASessionWithTheDefaults() {
        start(SimulatorSettings.DEMO);
        Instant before = Instant.now();

        HttpResponse<String> response = client.createSession("{}");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode created = json(response);
        assertThat(created.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("sessionId", "creationTime", "inactivityDelay");
        String sessionId = created.get("sessionId").asText();
        assertThat(sessionId).isNotBlank();
        assertThat(Instant.parse(created.get("creationTime").asText())).isBetween(before, Instant.now());
        assertThat(created.get("inactivityDelay").asInt()).isEqualTo(60);
        assertThat(simulator.sessions()).singleElement().satisfies(session -> {
            assertThat(session.sessionId()).isEqualTo(sessionId);
            assertThat(session.inactivityDelay()).isEqualTo(60);
            assertThat(session.maxEvents()).isEqualTo(5);
            assertThat(session.requireAcknowledgement()).isFalse();
            assertThat(session.pendingEvents()).isZero();
            assertThat(session.lastPollAt()).isNull();
            assertThat(session.polling()).isFalse();
        });
        assertThat(simulator.sessionsCreated()).isEqualTo(1);
    }

    @Test
    void readsTheCreateBodyLeniently() {
        start(SimulatorSettings.DEMO);

        String asked = client.newSession("{\"inactivityDelay\":120,\"maxEvents\":7,\"requireAcknowledgement\":true,"
                + "\"eventTypes\":[\"chat\"],\"something\":{\"else\":1}}");
        String empty = client.newSession("");
        String nulls = client.newSession("{\"inactivityDelay\":null,\"maxEvents\":null}");

        assertThat(simulator.session(asked)).hasValueSatisfying(session -> {
            assertThat(session.inactivityDelay()).isEqualTo(120);
            assertThat(session.maxEvents()).isEqualTo(7);
            assertThat(session.requireAcknowledgement()).isTrue();
        });
        for (String defaults : List.of(empty, nulls)) {
            assertThat(simulator.session(defaults)).hasValueSatisfying(session -> {
                assertThat(session.inactivityDelay()).isEqualTo(60);
                assertThat(session.maxEvents()).isEqualTo(5);
                assertThat(session.requireAcknowledgement()).isFalse();
            });
        }
        assertThat(simulator.sessions()).hasSize(3);
        assertThat(json(client.createSession("{\"inactivityDelay\":120}")).get("inactivityDelay").asInt())
                .isEqualTo(120);
    }

    @Test
    void refusesACreateBodyItCannotUse() {
        start(SimulatorSettings.DEMO);

        assertError(client.createSession("[]"), 400, "JSON object");
        assertError(client.createSession("{\"maxEvents\":"), 400, "JSON object");
        assertError(client.createSession("{\"inactivityDelay\":\"120\"}"), 400, "inactivityDelay");
        assertError(client.createSession("{\"requireAcknowledgement\":\"yes\"}"), 400, "requireAcknowledgement");
        assertError(client.createSession("{\"maxEvents\":0,\"inactivityDelay\":-5}"), 422, "maxEvents");
        assertError(client.createSession("{\"maxEvents\":0,\"inactivityDelay\":-5}"), 422, "inactivityDelay");

        assertThat(simulator.sessions()).isEmpty();
        assertThat(simulator.sessionsCreated()).isZero();
    }

    @Test
    void theV3PathsServeTheSameSessions() {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(100));
        Map<String, String> headers = client.streamingHeaders(client.token(), null);

        HttpResponse<String> created = client.post("/via/v3/organizations/demo/streaming/session", headers, "{}");
        assertThat(created.statusCode()).isEqualTo(201);
        headers.put("via-client-sessionid", json(created).get("sessionId").asText());
        simulator.injectCustomerMessage("4321", "over v3");

        JsonNode events = events(client.call("GET", "/via/v3/organizations/demo/streaming/events", headers, null));
        assertThat(events).singleElement().satisfies(event -> assertThat(event.get("text").asText())
                .isEqualTo("over v3"));
        assertThat(client.post("/via/v3/organizations/demo/streaming/events/acknowledge", headers,
                "{\"eventIds\":[]}").statusCode()).isEqualTo(204);
        assertThat(client.call("DELETE", "/via/v3/organizations/demo/streaming/session", headers, null).statusCode())
                .isEqualTo(204);
        assertThat(simulator.sessions()).isEmpty();
    }

    @Test
    void deletesASessionOnceThen404() {
        start(SimulatorSettings.DEMO);
        String sessionId = client.newSession("{}");

        HttpResponse<String> deleted = client.streaming("DELETE", "session", sessionId, null);

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(simulator.sessions()).isEmpty();
        assertSessionNotFound(client.streaming("DELETE", "session", sessionId, null));
        assertSessionNotFound(client.poll(sessionId));
        assertSessionNotFound(client.streaming("POST", "events/acknowledge", sessionId, "{\"eventIds\":[\"e\"]}"));
        assertSessionNotFound(client.streaming("DELETE", "session", "never-created", null));
        assertThat(simulator.sessionsDeleted()).isEqualTo(1);
        assertThat(simulator.sessionsDropped()).isZero();
    }

    @Test
    void dropsASessionWithoutPollsWithinItsInactivityDelay() {
        start(SimulatorSettings.DEMO);
        long creating = System.nanoTime();
        String sessionId = client.newSession("{\"inactivityDelay\":1}");

        await().atMost(BOUND).until(() -> simulator.sessionsDropped() == 1);

        assertThat(Duration.ofNanos(System.nanoTime() - creating)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(simulator.sessions()).isEmpty();
        assertSessionNotFound(client.poll(sessionId));
        assertSessionNotFound(client.streaming("DELETE", "session", sessionId, null));
        assertSessionNotFound(client.streaming("POST", "events/acknowledge", sessionId, "{\"eventIds\":[]}"));
        assertThat(simulator.sessionsDeleted()).isZero();
    }

    @Test
    void pollingKeepsASessionAlive() {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(300));
        String sessionId = client.newSession("{\"inactivityDelay\":1}");
        long start = System.nanoTime();

        // sequential polls of 300 ms each for twice the inactivity delay
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2000)) {
            assertThat(events(client.poll(sessionId))).isEmpty();
        }

        assertThat(simulator.session(sessionId)).isPresent();
        assertThat(simulator.sessionsDropped()).isZero();
    }

    @Test
    void aWaitingPollCountsAsActivityUntilItIsAnswered() {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(1500));
        String sessionId = client.newSession("{\"inactivityDelay\":1}");

        // the one poll waits longer than the inactivity delay: the session lives through it
        assertThat(events(client.poll(sessionId))).isEmpty();

        assertThat(simulator.session(sessionId)).isPresent();
        assertThat(simulator.sessionsDropped()).isZero();
        // and the delay starts again when the poll ends
        await().atMost(BOUND).until(() -> simulator.sessionsDropped() == 1);
    }

    @Test
    void aSecondPollWhileOneWaitsIsAnswered409AndCounted() throws Exception {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(60_000));
        String sessionId = client.newSession("{}");
        CompletableFuture<HttpResponse<String>> first = client.pollAsync(sessionId);
        await().atMost(BOUND).until(() -> simulator.session(sessionId).orElseThrow().polling());

        HttpResponse<String> second = client.poll(sessionId);

        assertError(second, 409, "via-client-sessionid");
        assertThat(json(second).get("errors").get(0).get("reason").asText()).isEqualTo("concurrentPoll");
        assertThat(simulator.concurrentPollViolations()).isEqualTo(1);
        assertThat(simulator.record().streaming().concurrentPollViolations()).isEqualTo(1);
        JsonNode record = json(client.admin("GET", "/simulator/interactions", null));
        assertThat(record.get("streaming").get("concurrentPollViolations").asLong()).isEqualTo(1);
        assertThat(json(client.admin("GET", "/simulator/sessions", null)).get("concurrentPollViolations").asLong())
                .isEqualTo(1);
        // the first poll is unharmed, and one poll after the other is fine
        simulator.injectCustomerTyping("4321");
        assertThat(events(first.get(BOUND.toMillis(), TimeUnit.MILLISECONDS))).hasSize(1);
        assertThat(simulator.session(sessionId).orElseThrow().polling()).isFalse();
        simulator.injectCustomerTyping("4321");
        assertThat(events(client.poll(sessionId))).hasSize(1);
        assertThat(simulator.concurrentPollViolations()).isEqualTo(1);
    }

    @Test
    void aPollWaitingOnASessionThatGoesIsAnswered404() throws Exception {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(10_000));
        String dropped = client.newSession("{}");
        String deleted = client.newSession("{}");
        CompletableFuture<HttpResponse<String>> onDropped = client.pollAsync(dropped);
        CompletableFuture<HttpResponse<String>> onDeleted = client.pollAsync(deleted);
        await().atMost(BOUND).until(() -> simulator.sessions().stream().allMatch(SessionRecord::polling));

        assertThat(client.admin("POST", "/simulator/sessions/" + dropped + "/drop", null).statusCode())
                .isEqualTo(204);
        assertThat(client.streaming("DELETE", "session", deleted, null).statusCode()).isEqualTo(204);

        assertSessionNotFound(onDropped.get(BOUND.toMillis(), TimeUnit.MILLISECONDS));
        assertSessionNotFound(onDeleted.get(BOUND.toMillis(), TimeUnit.MILLISECONDS));
        assertThat(simulator.sessionsDropped()).isEqualTo(1);
        assertThat(simulator.sessionsDeleted()).isEqualTo(1);
        assertThat(simulator.dropSession(dropped)).isFalse();
        assertError(client.admin("POST", "/simulator/sessions/" + dropped + "/drop", null), 404, "session");
    }

    @Test
    void strictSessionsRefuseMessagingCallsOnASessionThatIsNotLive() {
        start(SimulatorSettings.DEMO.withStrictSessions(true));
        String sessionId = client.newSession("{}");
        Map<String, String> headers = client.headers(client.token());

        headers.put("via-client-sessionid", sessionId);
        assertThat(client.post(messagingPath("agent-1", "sendText"), headers, DEMO_BODY_TEXT).statusCode())
                .isEqualTo(202);
        assertThat(simulator.accepted("4321")).singleElement()
                .satisfies(message -> assertThat(message.sessionId()).isEqualTo(sessionId));

        assertThat(simulator.dropSession(sessionId)).isTrue();
        assertSessionNotFound(client.post(messagingPath("agent-1", "sendText"), headers, DEMO_BODY_TEXT));
        headers.put("via-client-sessionid", "demo-session");
        assertSessionNotFound(client.post(messagingPath("agent-1", "notification"), headers,
                "{\"interactionId\":\"4321\",\"entityName\":\"a\",\"entityType\":\"Agent\",\"state\":\"composing\"}"));
        assertThat(simulator.accepted("4321")).hasSize(1);
        assertThat(simulator.record().refused(404)).isEqualTo(2);
    }

    @Test
    void withoutStrictSessionsAnyNonBlankSessionIdIsAccepted() {
        start(SimulatorSettings.DEMO);
        Map<String, String> headers = client.headers(client.token());
        headers.put("via-client-sessionid", "demo-session");

        assertThat(client.post(messagingPath("agent-1", "sendText"), headers, DEMO_BODY_TEXT).statusCode())
                .isEqualTo(202);
    }

    @Test
    void streamingCallsNeedAStreamingTokenTheApiKeyAndTheOrganization() {
        start(SimulatorSettings.DEMO);
        String messagingOnly = json(client.requestToken(SimulatorClient.basic("demo-client", "demo-secret"),
                "grant_type=client_credentials&scope=messagingapi")).get("access_token").asText();

        HttpResponse<String> noScope = client.post(streamingPath("session"),
                client.streamingHeaders(messagingOnly, null), "{}");
        assertThat(noScope.statusCode()).isEqualTo(401);
        assertThat(noScope.body()).isEmpty();
        assertThat(noScope.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");

        Map<String, String> noKey = client.streamingHeaders(client.token(), null);
        noKey.remove("x-api-key");
        assertThat(client.post(streamingPath("session"), noKey, "{}").statusCode()).isEqualTo(401);
        Map<String, String> noToken = client.streamingHeaders(client.token(), null);
        noToken.remove("Authorization");
        assertThat(client.post(streamingPath("session"), noToken, "{}").statusCode()).isEqualTo(401);

        assertError(client.post("/via/v2/organizations/acme/streaming/session",
                client.streamingHeaders(client.token(), null), "{}"), 404, "acme");
        assertThat(simulator.sessions()).isEmpty();
    }

    @Test
    void eventsAndAcknowledgeNeedTheSessionHeader() {
        start(SimulatorSettings.DEMO);

        assertError(client.streaming("GET", "events", null, null), 400, "via-client-sessionid");
        assertError(client.streaming("POST", "events/acknowledge", " ", "{\"eventIds\":[]}"), 400,
                "via-client-sessionid");
        assertError(client.streaming("DELETE", "session", null, null), 400, "via-client-sessionid");
    }

    @ParameterizedTest
    @ValueSource(strings = {"session:PUT:POST, DELETE", "session:GET:POST, DELETE", "events:POST:GET",
            "events:DELETE:GET", "events/acknowledge:GET:POST"})
    void answers405ForAnotherMethod(String call) {
        start(SimulatorSettings.DEMO);
        String[] parts = call.split(":");

        HttpResponse<String> response = client.streaming(parts[1], parts[0], "s",
                parts[1].equals("PUT") || parts[1].equals("POST") ? "{}" : null);

        assertError(response, 405, parts[1]);
        assertThat(response.headers().firstValue("Allow")).hasValue(parts[2]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/via/v2/organizations/demo/streaming/sessions",
            "/via/v2/organizations/demo/streaming/events/ack",
            "/via/v2/organizations/demo/streaming/",
            "/via/v2/organizations//streaming/session",
            "/via/v4/organizations/demo/streaming/session",
            "/via/v3/organizations/demo/messaging/users/agent-1/sendText"})
    void answers404ForAnotherPath(String path) {
        start(SimulatorSettings.DEMO);

        assertError(client.post(path, client.streamingHeaders(client.token(), "s"), "{}"), 404, "no such resource");
    }

    @Test
    void theAdminListsLiveSessionsWithTheirCounts() {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(100));
        String first = client.newSession("{\"maxEvents\":2,\"requireAcknowledgement\":true}");
        String second = client.newSession("{}");
        String third = client.newSession("{}");
        simulator.injectCustomerMessage("4321", "one");
        simulator.injectCustomerMessage("4321", "two");
        simulator.injectCustomerMessage("4321", "three");
        assertThat(events(client.poll(first))).hasSize(2);
        assertThat(client.streaming("DELETE", "session", third, null).statusCode()).isEqualTo(204);

        HttpResponse<String> response = client.admin("GET", "/simulator/sessions", null);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode listing = json(response);
        assertThat(listing.get("sessionsCreated").asLong()).isEqualTo(3);
        assertThat(listing.get("sessionsDeleted").asLong()).isEqualTo(1);
        assertThat(listing.get("sessionsDropped").asLong()).isZero();
        assertThat(listing.get("concurrentPollViolations").asLong()).isZero();
        assertThat(listing.get("sessions")).hasSize(2);
        JsonNode one = listing.get("sessions").get(0);
        assertThat(one.get("sessionId").asText()).isEqualTo(first);
        assertThat(Instant.parse(one.get("createdAt").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(one.get("inactivityDelay").asInt()).isEqualTo(60);
        assertThat(one.get("maxEvents").asInt()).isEqualTo(2);
        assertThat(one.get("requireAcknowledgement").asBoolean()).isTrue();
        assertThat(one.get("pendingEvents").asInt()).isEqualTo(3);
        assertThat(Instant.parse(one.get("lastPollAt").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(one.get("polling").asBoolean()).isFalse();
        assertThat(one.get("eventsDelivered").asLong()).isEqualTo(2);
        assertThat(one.get("eventsAcknowledged").asLong()).isZero();
        JsonNode two = listing.get("sessions").get(1);
        assertThat(two.get("sessionId").asText()).isEqualTo(second);
        assertThat(two.has("lastPollAt")).isFalse();
        assertThat(two.get("pendingEvents").asInt()).isEqualTo(3);

        assertThat(json(client.admin("GET", "/simulator/sessions/" + first, null))).isEqualTo(one);
        assertError(client.admin("GET", "/simulator/sessions/" + third, null), 404, "session");
        assertThat(client.admin("POST", "/simulator/sessions", "{}").headers().firstValue("Allow")).hasValue("GET");
        assertError(client.admin("GET", "/simulator/sessions/" + first + "/nothing", null), 404, "no such resource");

        simulator.clearRecord();
        StreamingRecord cleared = simulator.streamingRecord();
        assertThat(cleared.sessions()).hasSize(2);
        assertThat(cleared.sessionsCreated()).isZero();
        assertThat(cleared.sessionsDeleted()).isZero();
        assertThat(cleared.sessions().get(0).pendingEvents()).isEqualTo(3);
        assertThat(cleared.sessions().get(0).eventsDelivered()).isZero();
    }

    @Test
    void theLogHasOneLinePerStreamingCallAndNoToken() {
        try (CapturedLog log = new CapturedLog()) {
            start(SimulatorSettings.DEMO.withEventsWaitMillis(100));
            String token = client.token();
            HttpResponse<String> created = client.post(streamingPath("session"), client.streamingHeaders(token, null),
                    "{}");
            String sessionId = json(created).get("sessionId").asText();
            assertThat(client.call("GET", streamingPath("events"), client.streamingHeaders(token, sessionId), null)
                    .statusCode()).isEqualTo(200);

            // a line is written once its answer is out
            await().atMost(BOUND).untilAsserted(() -> assertThat(log.lines()).contains(
                    "DEBUG POST /via/v2/organizations/demo/streaming/session -> 201",
                    "DEBUG GET /via/v2/organizations/demo/streaming/events -> 200"));
            assertThat(log.lines()).allSatisfy(line -> assertThat(line).doesNotContain(token, "Bearer"));
        }
    }
}
