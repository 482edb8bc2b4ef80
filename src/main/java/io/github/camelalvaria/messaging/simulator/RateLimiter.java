package io.github.camelalvaria.messaging.simulator;

import java.util.HashMap;
import java.util.Map;

/** One token bucket per organization, by {@link RateLimit}; replaced whole when the limit changes, so it starts full. */
final class RateLimiter {

    private final RateLimit limit;
    private final Map<String, Bucket> buckets = new HashMap<>();

    private static final class Bucket {
        double tokens;
        long filledAt;
    }

    RateLimiter(RateLimit limit) {
        this.limit = limit;
    }

    RateLimit limit() {
        return limit;
    }

    /** Takes a call of {@code orgId}: 0 when it passes, else the whole seconds (at least 1) until one would. */
    synchronized long take(String orgId) {
        if (!limit.on()) {
            return 0;
        }
        long now = System.nanoTime();
        Bucket bucket = buckets.computeIfAbsent(orgId, id -> {
            Bucket full = new Bucket();
            full.tokens = limit.burst();
            full.filledAt = now;
            return full;
        });
        bucket.tokens = Math.min(limit.burst(),
                                 bucket.tokens + (now - bucket.filledAt) / 1e9 * limit.requestsPerSecond());
        bucket.filledAt = now;
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / limit.requestsPerSecond()));
    }
}
