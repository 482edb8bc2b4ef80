package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.github.camelalvaria.messaging.simulator.SimulatorClient.assertError;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.events;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Events: the long poll, maxEvents, acknowledgement, and the events the platform's side injects. */
class StreamingEventsTest extends SimulatorTestSupport {

    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final long SHORT_WAIT_MILLIS = 200;

    private static List<String> texts(JsonNode events) {
        List<String> texts = new ArrayList<>();
        events.forEach(event -> texts.add(event.path("text").asText(null)));
        return texts;
    }

    private static List<String> ids(JsonNode events) {
        List<String> ids = new ArrayList<>();
        events.forEach(event -> ids.add(event.get("eventId").asText()));
        return ids;
    }

    @Test
    void aPollWithNothingPendingIsAnsweredEmptyAfterTheWait() {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(SHORT_WAIT_MILLIS));
        String sessionId = client.newSession("{}");
        long polling = System.nanoTime();

        HttpResponse<String> response = client.poll(sessionId);

        assertThat(Duration.ofNanos(System.nanoTime() - polling)).isGreaterThanOrEqualTo(
                Duration.ofMillis(SHORT_WAIT_MILLIS)).isLessThan(BOUND);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"events\":[]}");
        assertThat(simulator.session(sessionId)).hasValueSatisfying(session -> {
            assertThat(session.lastPollAt()).isNotNull();
            assertThat(session.polling()).isFalse();
        });
    }

    @Test
    void aPollIsAnsweredAtOnceWhenAnEventIsPending() {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(60_000));
        String sessionId = client.newSession("{}");
        Instant before = Instant.now();
        StreamingEvent injected = simulator.injectCustomerMessage("4321", "Hello, anyone there?");

        JsonNode events = events(client.poll(sessionId));

        assertThat(events).hasSize(1);
        JsonNode event = events.get(0);
        assertThat(event.fieldNames()).toIterable().containsExactlyInAnyOrder("eventId", "category", "type",
                "interactionId", "userId", "text", "timestamp");
        assertThat(event.get("eventId").asText()).isEqualTo(injected.eventId()).isNotBlank();
        assertThat(event.get("category").asText()).isEqualTo("interaction");
        assertThat(event.get("type").asText()).isEqualTo("customerMessage");
        assertThat(event.get("interactionId").asText()).isEqualTo("4321");
        assertThat(event.get("userId").asText()).isEqualTo("agent-1");
        assertThat(event.get("text").asText()).isEqualTo("Hello, anyone there?");
        assertThat(Instant.parse(event.get("timestamp").asText())).isBetween(before, Instant.now());
    }

    @Test
    void aWaitingPollIsAnsweredAsSoonAsAnEventArrives() throws Exception {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(60_000));
        String sessionId = client.newSession("{}");
        CompletableFuture<HttpResponse<String>> poll = client.pollAsync(sessionId);
        await().atMost(BOUND).until(() -> simulator.session(sessionId).orElseThrow().polling());

        HttpResponse<String> typed = client.admin("POST", "/simulator/interactions/4322/customer-typing", null);

        assertThat(typed.statusCode()).isEqualTo(202);
        JsonNode events = events(poll.get(BOUND.toMillis(), TimeUnit.MILLISECONDS));
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.get("type").asText()).isEqualTo("composing");
            assertThat(event.get("interactionId").asText()).isEqualTo("4322");
            assertThat(event.has("text")).isFalse();
            assertThat(event.get("eventId").asText()).isEqualTo(json(typed).get("eventId").asText());
        });
    }

    @Test
    void anAnswerHoldsAtMostMaxEventsInOrder() {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(SHORT_WAIT_MILLIS));
        String sessionId = client.newSession("{\"maxEvents\":2}");
        for (int i = 1; i <= 5; i++) {
            simulator.injectCustomerMessage("4321", "message " + i);
        }

        assertThat(texts(events(client.poll(sessionId)))).containsExactly("message 1", "message 2");
        assertThat(texts(events(client.poll(sessionId)))).containsExactly("message 3", "message 4");
        assertThat(texts(events(client.poll(sessionId)))).containsExactly("message 5");
        assertThat(events(client.poll(sessionId))).isEmpty();
    }

    @Test
    void noEventIsLostOrDeliveredTwiceWhileInjectionsRaceThePolls() {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(SHORT_WAIT_MILLIS));
        String sessionId = client.newSession("{\"maxEvents\":7}");
        int injected = 300;

        CompletableFuture<Void> injecting = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < injected; i++) {
                simulator.injectCustomerMessage(i % 2 == 0 ? "4321" : "4322", "race " + i);
            }
        });
        List<String> received = new ArrayList<>();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (received.size() < injected && System.nanoTime() < deadline) {
            received.addAll(texts(events(client.poll(sessionId))));
        }

        injecting.join();
        assertThat(received).containsExactlyElementsOf(
                IntStream.range(0, injected).mapToObj(i -> "race " + i).toList());
        assertThat(simulator.concurrentPollViolations()).isZero();
    }

    @Test
    void withoutAcknowledgementDeliveryRemovesTheEvents() {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(SHORT_WAIT_MILLIS));
        String sessionId = client.newSession("{\"requireAcknowledgement\":false}");
        simulator.injectCustomerMessage("4321", "once");

        JsonNode delivered = events(client.poll(sessionId));

        assertThat(texts(delivered)).containsExactly("once");
        assertThat(simulator.session(sessionId).orElseThrow().pendingEvents()).isZero();
        assertThat(events(client.poll(sessionId))).isEmpty();
        // acknowledging on such a session is harmless
        assertThat(client.streaming("POST", "events/acknowledge", sessionId,
                "{\"eventIds\":" + ids(delivered).stream().map(id -> "\"" + id + "\"").toList() + "}").statusCode())
                .isEqualTo(204);
        assertThat(simulator.session(sessionId).orElseThrow().eventsAcknowledged()).isZero();
    }

    @Test
    void withAcknowledgementUnacknowledgedEventsAreDeliveredAgain() {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(SHORT_WAIT_MILLIS));
        String sessionId = client.newSession("{\"requireAcknowledgement\":true,\"maxEvents\":2}");
        simulator.injectCustomerMessage("4321", "first");
        simulator.injectCustomerMessage("4321", "second");
        simulator.injectCustomerMessage("4321", "third");

        JsonNode delivered = events(client.poll(sessionId));
        assertThat(texts(delivered)).containsExactly("first", "second");
        assertThat(events(client.poll(sessionId))).isEqualTo(delivered);

        HttpResponse<String> acknowledged = client.streaming("POST", "events/acknowledge", sessionId,
                "{\"eventIds\":[\"" + ids(delivered).get(0) + "\",\"evt-unknown\"],\"extra\":true}");
        assertThat(acknowledged.statusCode()).isEqualTo(204);
        assertThat(acknowledged.body()).isEmpty();

        assertThat(texts(events(client.poll(sessionId)))).containsExactly("second", "third");
        assertThat(simulator.session(sessionId)).hasValueSatisfying(session -> {
            assertThat(session.pendingEvents()).isEqualTo(2);
            assertThat(session.eventsDelivered()).isEqualTo(6);
            assertThat(session.eventsAcknowledged()).isEqualTo(1);
        });
        JsonNode rest = events(client.poll(sessionId));
        assertThat(client.streaming("POST", "events/acknowledge", sessionId,
                "{\"eventIds\":[\"" + ids(rest).get(0) + "\",\"" + ids(rest).get(1) + "\"]}").statusCode())
                .isEqualTo(204);
        assertThat(events(client.poll(sessionId))).isEmpty();
        assertThat(simulator.session(sessionId).orElseThrow().pendingEvents()).isZero();
    }

    @Test
    void refusesAnAcknowledgementItCannotRead() {
        start(SimulatorSettings.DEMO);
        String sessionId = client.newSession("{\"requireAcknowledgement\":true}");

        assertError(client.streaming("POST", "events/acknowledge", sessionId, "{}"), 400, "eventIds");
        assertError(client.streaming("POST", "events/acknowledge", sessionId, "{\"eventIds\":\"evt-1\"}"), 400,
                "eventIds");
        assertError(client.streaming("POST", "events/acknowledge", sessionId, "{\"eventIds\":[1]}"), 400, "eventIds");
        assertError(client.streaming("POST", "events/acknowledge", sessionId, "not json"), 400, "JSON object");
    }

    @Test
    void everyLiveSessionGetsEveryEvent() {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(SHORT_WAIT_MILLIS));
        String first = client.newSession("{}");
        String second = client.newSession("{}");

        HttpResponse<String> injected = client.admin("POST", "/simulator/interactions/4321/customer-messages",
                "{\"text\":\"to everyone\"}");

        assertThat(injected.statusCode()).isEqualTo(202);
        String eventId = json(injected).get("eventId").asText();
        assertThat(json(injected).get("type").asText()).isEqualTo("customerMessage");
        for (String sessionId : List.of(first, second)) {
            assertThat(ids(events(client.poll(sessionId)))).containsExactly(eventId);
        }
        String later = client.newSession("{}");
        assertThat(events(client.poll(later))).isEmpty();
    }

    @Test
    void endingAnInteractionQueuesInteractionEndedOnce() {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(SHORT_WAIT_MILLIS));
        String sessionId = client.newSession("{}");

        assertThat(client.admin("DELETE", "/simulator/interactions/4321", null).statusCode()).isEqualTo(204);
        assertThat(simulator.endInteraction("4321")).isTrue();

        assertThat(events(client.poll(sessionId))).singleElement().satisfies(event -> {
            assertThat(event.get("type").asText()).isEqualTo("interactionEnded");
            assertThat(event.get("category").asText()).isEqualTo("interaction");
            assertThat(event.get("interactionId").asText()).isEqualTo("4321");
            assertThat(event.get("userId").asText()).isEqualTo("agent-1");
            assertThat(event.has("text")).isFalse();
        });
        assertThat(events(client.poll(sessionId))).isEmpty();
    }

    @Test
    void customerEventsNeedAnOpenInteraction() {
        start(SimulatorSettings.DEMO);
        simulator.endInteraction("4322");

        assertError(client.admin("POST", "/simulator/interactions/9999/customer-messages", "{\"text\":\"hi\"}"),
                404, "9999");
        assertError(client.admin("POST", "/simulator/interactions/4322/customer-messages", "{\"text\":\"hi\"}"),
                410, "4322");
        assertError(client.admin("POST", "/simulator/interactions/9999/customer-typing", null), 404, "9999");
        assertError(client.admin("POST", "/simulator/interactions/4322/customer-typing", null), 410, "4322");
        assertError(client.admin("POST", "/simulator/interactions/4321/customer-messages", "{}"), 400, "text");
        assertThat(client.admin("GET", "/simulator/interactions/4321/customer-messages", null).statusCode())
                .isEqualTo(405);
        assertError(client.admin("POST", "/simulator/interactions/4321/visits", null), 404, "no such resource");
        assertThatThrownBy(() -> simulator.injectCustomerMessage("9999", "hi"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9999");
        assertThatThrownBy(() -> simulator.injectCustomerTyping("4322"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("4322");
        assertThatThrownBy(() -> simulator.injectCustomerMessage("4321", " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rawEventsAreDeliveredAsTheyAreInOrder() throws Exception {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(SHORT_WAIT_MILLIS));
        String sessionId = client.newSession("{\"maxEvents\":10}");
        String path = "/simulator/sessions/" + sessionId + "/raw-events";

        assertThat(client.admin("POST", path, "{\"eventId\":42,\"type\":null,\"type\":\"twice\"}").statusCode())
                .isEqualTo(202);
        simulator.injectCustomerMessage("4321", "between");
        assertThat(client.admin("POST", path, "\"just a string\"").statusCode()).isEqualTo(202);
        assertThat(simulator.injectRawEvent(sessionId, "[1, {\"nested\": []}]")).isTrue();
        assertThat(simulator.injectRawEvent(sessionId, "null")).isTrue();

        HttpResponse<String> response = client.poll(sessionId);

        assertThat(response.body()).startsWith("{\"events\":[{\"eventId\":42,\"type\":null,\"type\":\"twice\"},{")
                .endsWith(",\"just a string\",[1, {\"nested\": []}],null]}");
        JsonNode events = new ObjectMapper().readTree(response.body()).get("events");
        assertThat(events).hasSize(5);
        assertThat(events.get(1).get("text").asText()).isEqualTo("between");
    }

    @Test
    void rawEventsWithATextualEventIdWaitForAcknowledgementOthersAreDeliveredOnce() {
        start(SimulatorSettings.DEMO.withEventsWaitMillis(SHORT_WAIT_MILLIS));
        String sessionId = client.newSession("{\"requireAcknowledgement\":true}");
        simulator.injectRawEvent(sessionId, "{\"eventId\":\"raw-1\",\"type\":17}");
        simulator.injectRawEvent(sessionId, "{\"type\":\"noId\"}");

        assertThat(events(client.poll(sessionId))).hasSize(2);
        assertThat(events(client.poll(sessionId))).singleElement()
                .satisfies(event -> assertThat(event.get("eventId").asText()).isEqualTo("raw-1"));
        assertThat(client.streaming("POST", "events/acknowledge", sessionId, "{\"eventIds\":[\"raw-1\"]}")
                .statusCode()).isEqualTo(204);
        assertThat(events(client.poll(sessionId))).isEmpty();
    }

    @Test
    void refusesARawEventThatIsNotOneJsonValueOrForNoLiveSession() {
        start(SimulatorSettings.DEMO);
        String sessionId = client.newSession("{}");

        assertError(client.admin("POST", "/simulator/sessions/" + sessionId + "/raw-events", "{\"broken\":"), 400,
                "JSON value");
        assertError(client.admin("POST", "/simulator/sessions/" + sessionId + "/raw-events", "1 2"), 400,
                "JSON value");
        assertError(client.admin("POST", "/simulator/sessions/" + sessionId + "/raw-events", ""), 400, "JSON value");
        assertError(client.admin("POST", "/simulator/sessions/nope/raw-events", "{}"), 404, "session");
        assertThat(simulator.injectRawEvent("nope", "{}")).isFalse();
        assertThatThrownBy(() -> simulator.injectRawEvent(sessionId, "{"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(simulator.session(sessionId).orElseThrow().pendingEvents()).isZero();
    }
}
