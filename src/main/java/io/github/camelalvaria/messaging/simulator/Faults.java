package io.github.camelalvaria.messaging.simulator;

import java.util.function.Consumer;

/**
 * The faults the simulator injects. Shares are fractions (0..1) of calls.
 *
 * <p>On a messaging call the fault is decided before any check, as an overloaded front end would: a faulted call is
 * never validated and never recorded as accepted. The one exception is {@code dropAfterAcceptShare}, the ambiguous
 * case: the message is accepted and recorded, then the connection is closed without an answer. Latency delays
 * answers; a connection to be dropped is dropped at once.
 *
 * @param tooManyRequestsShare             messaging calls answered 429
 * @param tooManyRequestsRetryAfterSeconds the {@code Retry-After} those 429 answers carry
 * @param serverErrorShare                 messaging calls answered 500
 * @param unavailableShare                 messaging calls answered 503
 * @param unavailableRetryAfterSeconds     the {@code Retry-After} of every 503 (messaging and token); 0 sends none
 * @param latencyMillis                    delay added to every messaging call
 * @param latencySpikeShare                messaging calls delayed by a further {@code latencySpikeMillis}
 * @param latencySpikeMillis               the length of a latency spike
 * @param dropConnectionShare              messaging calls whose connection is closed without an answer, unrecorded
 * @param dropAfterAcceptShare             messaging calls recorded as accepted, then closed without an answer
 * @param earlyTokenExpiryShare            issued tokens that are dead from the start though expires_in promises more
 * @param tokenUnavailableShare            token requests answered 503
 * @param seed                             seeds the fault draws so that a sequential run repeats; null draws unseeded
 */
public record Faults(
        double tooManyRequestsShare,
        int tooManyRequestsRetryAfterSeconds,
        double serverErrorShare,
        double unavailableShare,
        int unavailableRetryAfterSeconds,
        long latencyMillis,
        double latencySpikeShare,
        long latencySpikeMillis,
        double dropConnectionShare,
        double dropAfterAcceptShare,
        double earlyTokenExpiryShare,
        double tokenUnavailableShare,
        Long seed) {

    public static final Faults NONE = new Faults(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);

    public Faults {
        requireShare("tooManyRequestsShare", tooManyRequestsShare);
        requireShare("serverErrorShare", serverErrorShare);
        requireShare("unavailableShare", unavailableShare);
        requireShare("latencySpikeShare", latencySpikeShare);
        requireShare("dropConnectionShare", dropConnectionShare);
        requireShare("dropAfterAcceptShare", dropAfterAcceptShare);
        requireShare("earlyTokenExpiryShare", earlyTokenExpiryShare);
        requireShare("tokenUnavailableShare", tokenUnavailableShare);
        requireNotNegative("tooManyRequestsRetryAfterSeconds", tooManyRequestsRetryAfterSeconds);
        requireNotNegative("unavailableRetryAfterSeconds", unavailableRetryAfterSeconds);
        requireNotNegative("latencyMillis", latencyMillis);
        requireNotNegative("latencySpikeMillis", latencySpikeMillis);
        double callFaults = tooManyRequestsShare + serverErrorShare + unavailableShare + dropConnectionShare
                + dropAfterAcceptShare;
        if (callFaults > 1 + 1e-9) {
            throw new IllegalArgumentException("tooManyRequestsShare, serverErrorShare, unavailableShare, "
                    + "dropConnectionShare and dropAfterAcceptShare add up to " + callFaults + ", more than 1");
        }
    }

    public Faults withTooManyRequests(double share, int retryAfterSeconds) {
        return edit(f -> {
            f.tooManyRequestsShare = share;
            f.tooManyRequestsRetryAfterSeconds = retryAfterSeconds;
        });
    }

    public Faults withServerErrors(double share) {
        return edit(f -> f.serverErrorShare = share);
    }

    /** @param retryAfterSeconds the Retry-After of every 503, messaging and token alike; 0 sends none */
    public Faults withUnavailable(double share, int retryAfterSeconds) {
        return edit(f -> {
            f.unavailableShare = share;
            f.unavailableRetryAfterSeconds = retryAfterSeconds;
        });
    }

    public Faults withLatency(long millis) {
        return edit(f -> f.latencyMillis = millis);
    }

    public Faults withLatencySpikes(double share, long millis) {
        return edit(f -> {
            f.latencySpikeShare = share;
            f.latencySpikeMillis = millis;
        });
    }

    public Faults withDroppedConnections(double share) {
        return edit(f -> f.dropConnectionShare = share);
    }

    public Faults withDropsAfterAccept(double share) {
        return edit(f -> f.dropAfterAcceptShare = share);
    }

    public Faults withEarlyTokenExpiry(double share) {
        return edit(f -> f.earlyTokenExpiryShare = share);
    }

    public Faults withTokenUnavailable(double share) {
        return edit(f -> f.tokenUnavailableShare = share);
    }

    public Faults withSeed(Long seed) {
        return edit(f -> f.seed = seed);
    }

    private Faults edit(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return draft.build();
    }

    /** A mutable copy, so that each {@code withX} names the fields it changes instead of repeating all thirteen. */
    private static final class Draft {
        double tooManyRequestsShare;
        int tooManyRequestsRetryAfterSeconds;
        double serverErrorShare;
        double unavailableShare;
        int unavailableRetryAfterSeconds;
        long latencyMillis;
        double latencySpikeShare;
        long latencySpikeMillis;
        double dropConnectionShare;
        double dropAfterAcceptShare;
        double earlyTokenExpiryShare;
        double tokenUnavailableShare;
        Long seed;

        Draft(Faults f) {
            tooManyRequestsShare = f.tooManyRequestsShare;
            tooManyRequestsRetryAfterSeconds = f.tooManyRequestsRetryAfterSeconds;
            serverErrorShare = f.serverErrorShare;
            unavailableShare = f.unavailableShare;
            unavailableRetryAfterSeconds = f.unavailableRetryAfterSeconds;
            latencyMillis = f.latencyMillis;
            latencySpikeShare = f.latencySpikeShare;
            latencySpikeMillis = f.latencySpikeMillis;
            dropConnectionShare = f.dropConnectionShare;
            dropAfterAcceptShare = f.dropAfterAcceptShare;
            earlyTokenExpiryShare = f.earlyTokenExpiryShare;
            tokenUnavailableShare = f.tokenUnavailableShare;
            seed = f.seed;
        }

        Faults build() {
            return new Faults(tooManyRequestsShare, tooManyRequestsRetryAfterSeconds, serverErrorShare,
                    unavailableShare, unavailableRetryAfterSeconds, latencyMillis, latencySpikeShare,
                    latencySpikeMillis, dropConnectionShare, dropAfterAcceptShare, earlyTokenExpiryShare,
                    tokenUnavailableShare, seed);
        }
    }

    private static void requireShare(String name, double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, was " + share);
        }
    }

    private static void requireNotNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }
}
