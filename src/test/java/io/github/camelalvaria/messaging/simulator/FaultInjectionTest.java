package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.github.camelalvaria.messaging.simulator.SimulatorClient.DEMO_BODY_TEXT;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.assertError;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.basic;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.messagingPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultInjectionTest extends SimulatorTestSupport {

    /** A connection failure has no status; the tally counts it under this key. */
    private static final int DROPPED = -1;

    private String token;

    private void start(Faults faults) {
        start(SimulatorSettings.DEMO.withFaults(faults));
        token = client.token();
    }

    private HttpRequest sendText() {
        return client.request("POST", messagingPath("agent-1", "sendText"), client.headers(token), DEMO_BODY_TEXT);
    }

    private HttpResponse<String> send() {
        return client.post(messagingPath("agent-1", "sendText"), client.headers(token), DEMO_BODY_TEXT);
    }

    @Test
    void tooManyRequestsCarriesRetryAfterAndIsNotRecorded() {
        start(Faults.NONE.withTooManyRequests(1, 7));

        HttpResponse<String> response = send();

        assertError(response, 429, "too many requests");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(simulator.accepted("4321")).isEmpty();
        assertThat(simulator.record().refused(429)).isEqualTo(1);
    }

    @Test
    void serverErrorIsAnswered500AndNotRecorded() {
        start(Faults.NONE.withServerErrors(1));

        assertError(send(), 500, "internal server error");
        assertThat(simulator.accepted("4321")).isEmpty();
    }

    @Test
    void unavailableIsAnswered503WithRetryAfterOnlyWhenConfigured() {
        start(Faults.NONE.withUnavailable(1, 3));
        HttpResponse<String> withRetryAfter = send();
        assertError(withRetryAfter, 503, "service unavailable");
        assertThat(withRetryAfter.headers().firstValue("Retry-After")).hasValue("3");

        simulator.setFaults(Faults.NONE.withUnavailable(1, 0));
        HttpResponse<String> without = send();
        assertError(without, 503, "service unavailable");
        assertThat(without.headers().firstValue("Retry-After")).isEmpty();
        assertThat(simulator.accepted("4321")).isEmpty();
    }

    @Test
    void aFaultStrikesBeforeAnyCheck() {
        start(Faults.NONE.withServerErrors(1));

        Map<String, String> noApiKey = client.headers(token);
        noApiKey.remove("x-api-key");

        assertThat(client.post(messagingPath("agent-1", "sendText"), noApiKey, "{").statusCode()).isEqualTo(500);
    }

    @Test
    void aDroppedConnectionIsAConnectionFailureForTheClientAndNotRecorded() throws Exception {
        start(Faults.NONE.withDroppedConnections(1));

        assertThatThrownBy(() -> client.sendRaw(sendText())).isInstanceOf(IOException.class);

        assertThat(simulator.accepted("4321")).isEmpty();
        assertThat(simulator.record().droppedConnections()).isEqualTo(1);
        assertThat(simulator.record().droppedAfterAccept()).isZero();
        assertThat(simulator.record().refused()).isEmpty();
        simulator.setFaults(Faults.NONE);
        assertThat(client.sendRaw(sendText()).statusCode()).isEqualTo(202);
    }

    @Test
    void aConnectionIsDroppedAtOnceWhateverTheLatency() {
        start(Faults.NONE.withDroppedConnections(1).withLatency(5_000));
        long started = System.nanoTime();

        assertThatThrownBy(() -> client.sendRaw(sendText())).isInstanceOf(IOException.class);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aDropAfterAcceptRecordsTheMessageButLosesTheAnswer() {
        start(Faults.NONE.withDropsAfterAccept(1));

        assertThatThrownBy(() -> client.sendRaw(sendText())).isInstanceOf(IOException.class);

        assertThat(simulator.accepted("4321")).hasSize(1);
        assertThat(simulator.record().droppedConnections()).isEqualTo(1);
        assertThat(simulator.record().droppedAfterAccept()).isEqualTo(1);
    }

    @Test
    void aDropAfterAcceptOfAnInvalidCallAnswersItsError() {
        start(Faults.NONE.withDropsAfterAccept(1));

        assertError(client.post(messagingPath("agent-1", "sendText"), client.headers(token), "{}"), 400,
                "interactionId");
        assertThat(simulator.record().droppedConnections()).isZero();
        assertThat(simulator.record().droppedAfterAccept()).isZero();
    }

    /** What a soak bounds its duplicates by: every message recorded without an answer, and nothing else. */
    @Test
    void dropsAfterAcceptAreCountedApartFromDropsBeforeIt() {
        start(Faults.NONE.withDroppedConnections(0.3).withDropsAfterAccept(0.3).withSeed(5L));
        int calls = 100;

        Map<Integer, Integer> outcomes = tally(calls);

        SimulatorRecord record = simulator.record();
        int answered = outcomes.getOrDefault(202, 0);
        assertThat(record.droppedConnections()).isEqualTo(outcomes.get(DROPPED).longValue());
        assertThat(record.droppedAfterAccept()).isEqualTo(record.acceptedCount() - answered)
                .isPositive().isLessThan(record.droppedConnections());
        assertThat(answered + outcomes.get(DROPPED)).isEqualTo(calls);
    }

    @Test
    void latencyDelaysEveryAnswerByAtLeastTheConfiguredTime() {
        start(Faults.NONE.withLatency(300));

        for (int call = 0; call < 3; call++) {
            long started = System.nanoTime();
            assertThat(send().statusCode()).isEqualTo(202);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
        assertThat(simulator.accepted("4321")).hasSize(3);
    }

    @Test
    void latencySpikesDelayTheirShareOfCalls() {
        start(Faults.NONE.withLatencySpikes(0.5, 250).withSeed(11L));

        List<Duration> durations = new ArrayList<>();
        for (int call = 0; call < 16; call++) {
            long started = System.nanoTime();
            assertThat(send().statusCode()).isEqualTo(202);
            durations.add(Duration.ofNanos(System.nanoTime() - started));
        }

        long spiked = durations.stream().filter(d -> d.compareTo(Duration.ofMillis(250)) >= 0).count();
        assertThat(spiked).isBetween(3L, 13L);
        assertThat(durations).anySatisfy(d -> assertThat(d).isLessThan(Duration.ofMillis(125)));
    }

    @Test
    void faultSharesAreHonouredOver400CallsAndOnlyAnsweredCallsAreRecorded() {
        start(Faults.NONE.withTooManyRequests(0.2, 1).withServerErrors(0.1).withUnavailable(0.1, 0)
                .withDroppedConnections(0.05).withSeed(42L));
        int calls = 400;

        Map<Integer, Integer> outcomes = tally(calls);

        // a binomial count lies within four standard deviations of its mean but once in ~16,000 runs
        assertShare(outcomes, 429, 0.2, calls);
        assertShare(outcomes, 500, 0.1, calls);
        assertShare(outcomes, 503, 0.1, calls);
        assertShare(outcomes, DROPPED, 0.05, calls);
        assertShare(outcomes, 202, 0.55, calls);
        SimulatorRecord record = simulator.record();
        assertThat(record.acceptedCount()).isEqualTo(outcomes.get(202).longValue());
        assertThat(record.refused(429)).isEqualTo(outcomes.get(429).longValue());
        assertThat(record.refused(500)).isEqualTo(outcomes.get(500).longValue());
        assertThat(record.refused(503)).isEqualTo(outcomes.get(503).longValue());
        assertThat(record.droppedConnections()).isEqualTo(outcomes.get(DROPPED).longValue());
    }

    @Test
    void theSameSeedGivesTheSameFaults() {
        Faults faults = Faults.NONE.withServerErrors(0.3).withTooManyRequests(0.3, 1).withSeed(7L);
        start(faults);
        List<Integer> first = statuses(40);

        simulator.setFaults(faults);
        List<Integer> second = statuses(40);

        assertThat(second).isEqualTo(first).contains(202, 429, 500);
    }

    @Test
    void earlyExpiringTokensAreRefusedThoughTheirAnswerPromisedAnHour() {
        start(Faults.NONE);
        simulator.setFaults(Faults.NONE.withEarlyTokenExpiry(1));
        HttpResponse<String> tokenResponse = client.requestToken(basic("demo-client", "demo-secret"),
                "grant_type=client_credentials");
        assertThat(SimulatorClient.json(tokenResponse).get("expires_in").asInt()).isEqualTo(3599);
        String early = SimulatorClient.json(tokenResponse).get("access_token").asText();

        HttpResponse<String> response = client.post(messagingPath("agent-1", "sendText"), client.headers(early),
                DEMO_BODY_TEXT);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
        assertThat(send().statusCode()).as("a token from before the fault").isEqualTo(202);
    }

    @Test
    void theTokenEndpointCanBeUnavailable() {
        start(Faults.NONE);
        simulator.setFaults(Faults.NONE.withTokenUnavailable(1).withUnavailable(0, 5));

        HttpResponse<String> response = client.requestToken(basic("demo-client", "demo-secret"),
                "grant_type=client_credentials");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(SimulatorClient.json(response).get("error").asText()).isEqualTo("temporarily_unavailable");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(send().statusCode()).as("messaging calls are unaffected").isEqualTo(202);
    }

    @Test
    void faultsChangeAtRunTimeOverHttp() {
        start(Faults.NONE);

        HttpResponse<String> put = client.admin("PUT", "/simulator/faults",
                "{\"serverErrorShare\":1,\"latencyMillis\":5}");

        assertThat(put.statusCode()).isEqualTo(200);
        JsonNode faults = SimulatorClient.json(put);
        assertThat(faults.get("serverErrorShare").asDouble()).isEqualTo(1);
        assertThat(faults.get("latencyMillis").asLong()).isEqualTo(5);
        assertThat(faults.get("tooManyRequestsShare").asDouble()).isZero();
        assertThat(simulator.faults()).isEqualTo(Faults.NONE.withServerErrors(1).withLatency(5));
        assertThat(send().statusCode()).isEqualTo(500);
        assertThat(SimulatorClient.json(client.admin("GET", "/simulator/faults", null))).isEqualTo(faults);

        assertThat(client.admin("PUT", "/simulator/faults", "{}").statusCode()).isEqualTo(200);
        assertThat(simulator.faults()).isEqualTo(Faults.NONE);
        assertThat(send().statusCode()).isEqualTo(202);
    }

    @Test
    void invalidFaultsOverHttpAreRefusedAndChangeNothing() {
        start(Faults.NONE.withLatency(1));

        assertError(client.admin("PUT", "/simulator/faults", "{\"serverErrorShare\":1.5}"), 422, "serverErrorShare");
        assertError(client.admin("PUT", "/simulator/faults", "{\"serverErrorShare\":0.6,\"unavailableShare\":0.6}"),
                422, "more than 1");
        assertError(client.admin("PUT", "/simulator/faults", "{\"latencyMillis\":-5}"), 422, "latencyMillis");
        assertError(client.admin("PUT", "/simulator/faults", "{\"serverErrors\":0.5}"), 400, "serverErrors");
        assertError(client.admin("PUT", "/simulator/faults", "{\"serverErrorShare\":\"lots\"}"), 400, "types");
        assertError(client.admin("PUT", "/simulator/faults", "{\"latencyMillis\":null}"), 400, "types");
        assertError(client.admin("PUT", "/simulator/faults", "{"), 400, "JSON object");

        assertThat(simulator.faults()).isEqualTo(Faults.NONE.withLatency(1));
    }

    private List<Integer> statuses(int calls) {
        List<Integer> statuses = new ArrayList<>();
        for (int call = 0; call < calls; call++) {
            statuses.add(send().statusCode());
        }
        return statuses;
    }

    /** Calls, one at a time, counted by status, connection failures under {@link #DROPPED}. */
    private Map<Integer, Integer> tally(int calls) {
        Map<Integer, Integer> outcomes = new TreeMap<>();
        for (int call = 0; call < calls; call++) {
            int outcome;
            try {
                outcome = client.sendRaw(sendText()).statusCode();
            } catch (IOException connectionFailure) {
                outcome = DROPPED;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        return outcomes;
    }

    private static void assertShare(Map<Integer, Integer> outcomes, int outcome, double share, int calls) {
        double mean = share * calls;
        double tolerance = 4 * Math.sqrt(calls * share * (1 - share));
        assertThat((double) outcomes.getOrDefault(outcome, 0)).as("calls with outcome %d of %s", outcome, outcomes)
                .isBetween(mean - tolerance, mean + tolerance);
    }
}
