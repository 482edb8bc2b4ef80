package io.github.camelalvaria.messaging;

import java.util.concurrent.TimeUnit;

import io.github.camelalvaria.messaging.bench.RateLimitRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gate alone (its defaults, no client-side limit) against a producer that always exceeds the platform's limit: the
 * simulator's token bucket of 200 calls a second (burst 20), 1,500 messages with 64 in flight, a route that redelivers
 * each retryable failure five times and then dead-letters it. The first 429 costs the calls that were on the wire; from
 * then on the gate paces the tenant below what the platform accepted, instead of letting every waiting send meet the
 * refilled bucket at once when it opens.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RateLimitPacingTest {

    private static final int MESSAGES = 1_500;
    private static final int IN_FLIGHT = 64;

    @Test
    void theGateAlonePacesAProducerThatAlwaysExceedsTheLimitAndDeadLettersNothing() throws Exception {
        RateLimitRun run = RateLimitRun.of("", MESSAGES, IN_FLIGHT, 200);
        System.out.println("RATE LIMIT PACING: " + run);

        assertThat(run.deadLettered()).as("dead-lettered").isZero();
        assertThat(run.delivered()).as("delivered").isEqualTo(MESSAGES);
        // the first window's calls on the wire, and a few for each time the pace crosses the limit again; a gate
        // that releases every waiting send at once spends one refusal per waiting message and window (thousands)
        assertThat(run.refused()).as("429s").isLessThanOrEqualTo(2L * IN_FLIGHT);
    }
}
