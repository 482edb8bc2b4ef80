package io.github.camelalvaria.messaging.simulator;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import static io.github.camelalvaria.messaging.simulator.SimulatorClient.DEMO_BODY_TEXT;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.assertError;
import static io.github.camelalvaria.messaging.simulator.SimulatorClient.messagingPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulator limits an organization's messaging calls like the platform: a token bucket, 429 with Retry-After. */
class RateLimitTest extends SimulatorTestSupport {

    private HttpResponse<String> send(String token) {
        return client.post(messagingPath("agent-1", "sendText"), client.headers(token), DEMO_BODY_TEXT);
    }

    @Test
    void callsBeyondTheBurstAreAnswered429WithRetryAfterAndKeptAsFailedCalls() {
        start(SimulatorSettings.DEMO.withRateLimit(new RateLimit(0.5, 3)));
        String token = client.token();

        List<Integer> statuses = List.of(send(token), send(token), send(token), send(token), send(token)).stream()
                .map(HttpResponse::statusCode).toList();

        assertThat(statuses).containsExactly(202, 202, 202, 429, 429);
        HttpResponse<String> refused = send(token);
        assertError(refused, 429, "rate limit exceeded");
        // half a call a second: the next one passes in two seconds at most
        assertThat(refused.headers().firstValue("Retry-After").map(Integer::parseInt).orElseThrow()).isBetween(1, 2);
        assertThat(simulator.accepted("4321")).hasSize(3);
        assertThat(simulator.record().refused(429)).isEqualTo(3);
        assertThat(simulator.interaction("4321").orElseThrow().failed())
                .hasSize(3).allSatisfy(failed -> assertThat(failed.status()).isEqualTo(429));
    }

    @Test
    void eachOrganizationHasABucketOfItsOwn() {
        start(SimulatorSettings.DEMO.withRateLimit(new RateLimit(0.5, 1)));
        String token = client.token();
        assertThat(send(token).statusCode()).isEqualTo(202);
        assertThat(send(token).statusCode()).isEqualTo(429);

        HttpResponse<String> otherOrganization = client.post(
                messagingPath("agent-1", "sendText").replace("/demo/", "/other/"), client.headers(token),
                DEMO_BODY_TEXT);

        // past its own bucket, on to the checks: an organization the simulator does not know
        assertThat(otherOrganization.statusCode()).isEqualTo(404);
    }

    @Test
    void theAdminApiReadsAndChangesTheLimitAtRunTime() {
        start(SimulatorSettings.DEMO);
        String token = client.token();
        assertThat(SimulatorClient.json(client.admin("GET", "/simulator/rate-limit", null)).path("requestsPerSecond")
                           .asDouble()).isZero();

        HttpResponse<String> put = client.admin("PUT", "/simulator/rate-limit", "{\"requestsPerSecond\":0.5,\"burst\":1}");

        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(simulator.rateLimit()).isEqualTo(new RateLimit(0.5, 1));
        assertThat(send(token).statusCode()).isEqualTo(202);
        assertThat(send(token).statusCode()).isEqualTo(429);
        assertThat(client.admin("PUT", "/simulator/rate-limit", "{\"requestsPerSecond\":0}").statusCode())
                .isEqualTo(200);
        assertThat(send(token).statusCode()).isEqualTo(202);
        assertError(client.admin("PUT", "/simulator/rate-limit", "{\"requestsPerSecond\":5,\"burst\":0}"), 422,
                    "burst");
        assertError(client.admin("PUT", "/simulator/rate-limit", "{\"requestsPerSecond\":-1}"), 422,
                    "requestsPerSecond");
        assertError(client.admin("PUT", "/simulator/rate-limit", "{\"rps\":5}"), 400, "rps");
        assertError(client.admin("PUT", "/simulator/rate-limit", "{\"burst\":\"lots\"}"), 400, "types");
    }

    @Test
    void aLimitOutOfRangeIsRefusedAtStartNamingTheField() {
        assertThatThrownBy(() -> new RateLimit(10, 0)).hasMessageContaining("burst");
        assertThatThrownBy(() -> new RateLimit(Double.NaN, 1)).hasMessageContaining("requestsPerSecond");
        assertThatThrownBy(() -> SimulatorSettings.DEMO.withRateLimit(null)).hasMessageContaining("rateLimit");
    }
}
