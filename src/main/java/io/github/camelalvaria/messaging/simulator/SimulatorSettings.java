package io.github.camelalvaria.messaging.simulator;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How a simulator starts. {@link #DEMO} holds the defaults; change them with the {@code withX} methods.
 *
 * @param port                  the loopback port to listen on; 0 takes an ephemeral one
 * @param orgId                 the one organization the simulator knows
 * @param apiKey                the value every messaging call must carry in {@code x-api-key}
 * @param clientId              the OAuth client id the token endpoint accepts
 * @param clientSecret          that client's secret
 * @param tokenExpiresInSeconds the lifetime of an issued token, and its {@code expires_in}
 * @param users                 users known without an interaction (the users of {@code interactions} are known too)
 * @param interactions          open interactions: interactionId to the userId it belongs to
 * @param faults                the faults injected from the start
 * @param workerThreads         threads that serve requests
 * @param eventsWaitMillis      how long a {@code GET .../streaming/events} with nothing pending waits for an event
 *                              before it is answered with an empty list; 0 answers at once
 * @param strictSessions        true: the messaging calls answer 404 for a {@code via-client-sessionid} that is no live
 *                              streaming session; false (the default): any non-blank session id is accepted
 * @param maxRequestBytes       the largest messaging request body taken; a larger one is answered 413 with an
 *                              {@code ErrorResponse} naming both sizes. The reference names no limit; the default,
 *                              {@value #DEFAULT_MAX_REQUEST_BYTES} bytes (16 MiB), takes any text up to 10 MiB
 * @param rateLimit             the per-organization limit of messaging calls; {@link RateLimit#OFF} (the default): none
 */
public record SimulatorSettings(
        int port,
        String orgId,
        String apiKey,
        String clientId,
        String clientSecret,
        int tokenExpiresInSeconds,
        Set<String> users,
        Map<String, String> interactions,
        Faults faults,
        int workerThreads,
        long eventsWaitMillis,
        boolean strictSessions,
        int maxRequestBytes,
        RateLimit rateLimit) {

    public static final int DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    public static final SimulatorSettings DEMO = new SimulatorSettings(0, "demo", "demo-api-key", "demo-client",
            "demo-secret", 3599, Set.of("agent-1"), Map.of("4321", "agent-1", "4322", "agent-1"), Faults.NONE,
            Math.max(4, Runtime.getRuntime().availableProcessors() * 4), 20_000, false, DEFAULT_MAX_REQUEST_BYTES,
            RateLimit.OFF);

    public SimulatorSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        requireText("orgId", orgId);
        requireText("apiKey", apiKey);
        requireText("clientId", clientId);
        requireText("clientSecret", clientSecret);
        if (tokenExpiresInSeconds < 1) {
            throw new IllegalArgumentException("tokenExpiresInSeconds must be at least 1, was " + tokenExpiresInSeconds);
        }
        users.forEach(user -> requireText("a userId", user));
        interactions.forEach((interactionId, userId) -> {
            requireText("an interactionId", interactionId);
            requireText("the userId of interaction " + interactionId, userId);
        });
        users = Set.copyOf(users);
        interactions = Map.copyOf(interactions);
        if (faults == null) {
            throw new IllegalArgumentException("faults must be given; Faults.NONE injects none");
        }
        if (workerThreads < 1) {
            throw new IllegalArgumentException("workerThreads must be at least 1, was " + workerThreads);
        }
        if (eventsWaitMillis < 0) {
            throw new IllegalArgumentException("eventsWaitMillis must not be negative, was " + eventsWaitMillis);
        }
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("maxRequestBytes must be at least 1, was " + maxRequestBytes);
        }
        if (rateLimit == null) {
            throw new IllegalArgumentException("rateLimit must be given; RateLimit.OFF limits nothing");
        }
    }

    public SimulatorSettings withPort(int port) {
        return edit(s -> s.port = port);
    }

    public SimulatorSettings withOrgId(String orgId) {
        return edit(s -> s.orgId = orgId);
    }

    public SimulatorSettings withApiKey(String apiKey) {
        return edit(s -> s.apiKey = apiKey);
    }

    public SimulatorSettings withClient(String clientId, String clientSecret) {
        return edit(s -> {
            s.clientId = clientId;
            s.clientSecret = clientSecret;
        });
    }

    public SimulatorSettings withTokenExpiresInSeconds(int seconds) {
        return edit(s -> s.tokenExpiresInSeconds = seconds);
    }

    /** Adds a user known without an interaction. */
    public SimulatorSettings withUser(String userId) {
        return edit(s -> s.users.add(userId));
    }

    /** Adds an open interaction of {@code userId}, which makes that user known. */
    public SimulatorSettings withInteraction(String interactionId, String userId) {
        return edit(s -> s.interactions.put(interactionId, userId));
    }

    /** Replaces the users and interactions: none but these. */
    public SimulatorSettings withOnly(Set<String> users, Map<String, String> interactions) {
        return edit(s -> {
            s.users = new LinkedHashSet<>(users);
            s.interactions = new LinkedHashMap<>(interactions);
        });
    }

    public SimulatorSettings withFaults(Faults faults) {
        return edit(s -> s.faults = faults);
    }

    public SimulatorSettings withWorkerThreads(int workerThreads) {
        return edit(s -> s.workerThreads = workerThreads);
    }

    public SimulatorSettings withEventsWaitMillis(long eventsWaitMillis) {
        return edit(s -> s.eventsWaitMillis = eventsWaitMillis);
    }

    public SimulatorSettings withStrictSessions(boolean strictSessions) {
        return edit(s -> s.strictSessions = strictSessions);
    }

    public SimulatorSettings withMaxRequestBytes(int maxRequestBytes) {
        return edit(s -> s.maxRequestBytes = maxRequestBytes);
    }

    public SimulatorSettings withRateLimit(RateLimit rateLimit) {
        return edit(s -> s.rateLimit = rateLimit);
    }

    /**
     * Never shows the api key nor the client secret. No faults and no limit read "none": the start logs this, and the
     * first toString of a record (the JDK's, through method handles) costs a cold start 0.1 s.
     */
    @Override
    public String toString() {
        return "SimulatorSettings[port=" + port + ", orgId=" + orgId + ", apiKey=****, clientId=" + clientId
                + ", clientSecret=****, tokenExpiresInSeconds=" + tokenExpiresInSeconds + ", users=" + users
                + ", interactions=" + interactions + ", faults=" + (faults == Faults.NONE ? "none" : faults)
                + ", workerThreads=" + workerThreads + ", eventsWaitMillis=" + eventsWaitMillis + ", strictSessions="
                + strictSessions + ", maxRequestBytes=" + maxRequestBytes + ", rateLimit="
                + (rateLimit == RateLimit.OFF ? "none" : rateLimit) + "]";
    }

    private SimulatorSettings edit(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return draft.build();
    }

    /** A mutable copy, so that each {@code withX} names the fields it changes. */
    private static final class Draft {
        int port;
        String orgId;
        String apiKey;
        String clientId;
        String clientSecret;
        int tokenExpiresInSeconds;
        Set<String> users;
        Map<String, String> interactions;
        Faults faults;
        int workerThreads;
        long eventsWaitMillis;
        boolean strictSessions;
        int maxRequestBytes;
        RateLimit rateLimit;

        Draft(SimulatorSettings s) {
            port = s.port;
            orgId = s.orgId;
            apiKey = s.apiKey;
            clientId = s.clientId;
            clientSecret = s.clientSecret;
            tokenExpiresInSeconds = s.tokenExpiresInSeconds;
            users = new LinkedHashSet<>(s.users);
            interactions = new LinkedHashMap<>(s.interactions);
            faults = s.faults;
            workerThreads = s.workerThreads;
            eventsWaitMillis = s.eventsWaitMillis;
            strictSessions = s.strictSessions;
            maxRequestBytes = s.maxRequestBytes;
            rateLimit = s.rateLimit;
        }

        SimulatorSettings build() {
            return new SimulatorSettings(port, orgId, apiKey, clientId, clientSecret, tokenExpiresInSeconds, users,
                    interactions, faults, workerThreads, eventsWaitMillis, strictSessions, maxRequestBytes, rateLimit);
        }
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
