package io.github.camelalvaria.messaging.simulator;

/**
 * The platform's limit of messaging calls per organization, a token bucket: {@code burst} calls at once, refilled at
 * {@code requestsPerSecond}. A call beyond it is answered 429 with {@code Retry-After} (whole seconds until the next
 * call would pass) before any other check, and kept in the conversation as a failed call.
 *
 * @param requestsPerSecond the sustained rate; 0 switches the limit off
 * @param burst             the bucket's size: calls that may arrive at once
 */
public record RateLimit(double requestsPerSecond, int burst) {

    public static final RateLimit OFF = new RateLimit(0, 0);

    public RateLimit {
        if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException("requestsPerSecond must be 0 (off) or more, was " + requestsPerSecond);
        }
        if (requestsPerSecond > 0 && burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1 when requestsPerSecond is set, was " + burst);
        }
        if (burst < 0) {
            throw new IllegalArgumentException("burst must not be negative, was " + burst);
        }
    }

    public boolean on() {
        return requestsPerSecond > 0;
    }
}
