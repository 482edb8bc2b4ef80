package io.github.camelalvaria.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.camelalvaria.messaging.client.AccessTokenSource;
import io.github.camelalvaria.messaging.client.ClientCredentialsTokenSource;
import io.github.camelalvaria.messaging.client.Outcome;
import io.github.camelalvaria.messaging.client.StreamingSession;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;

/**
 * Readiness of the component: DOWN while a started endpoint cannot obtain what every call needs, an access token or
 * its managed streaming session, with the failure's status and message (which never carry a secret). Not a liveness
 * check: a token service that is down does not mean the app needs a restart.
 * <p>
 * A probe reports the last outcome the component already knows, and makes one attempt itself only where that outcome
 * is missing or a failure, waiting for it at most {@link #PROBE_WAIT}: a token request when no token was ever
 * obtained or the last request failed (cheap, and answered from the cache once one is held), and creating the managed
 * session again when its last creation failed. It never creates a session nothing has asked for yet, so a route that
 * is not running does not open one. A recovered service thus shows as UP without any traffic.
 * <p>
 * Each tenant's rate-limit gate is in the details ({@code rateLimitGate <tenant>}), open or closed: a rate limit is
 * no reason to stop traffic, so it never makes the check DOWN.
 */
final class AlvariaMessagingHealthCheck extends AbstractHealthCheck {

    static final String ID = "alvaria-messaging";
    static final Duration PROBE_WAIT = Duration.ofSeconds(5);
    static final String GATE_DETAIL = "rateLimitGate ";

    private final AlvariaMessagingComponent component;

    AlvariaMessagingHealthCheck(AlvariaMessagingComponent component) {
        super("camel", ID);
        this.component = component;
    }

    /**
     * What a started endpoint must obtain before it sends; endpoints that share it share one entry.
     *
     * @param tokensOf what the token is for, e.g. "client x of acme"; the tokens are only checked when fetched
     * @param sessionOf the organization URL the managed session belongs to
     * @param session  the managed session, {@code null} when the endpoint is given a session id
     */
    record Prerequisite(
            String tokensOf, AccessTokenSource tokens, CloseableHttpAsyncClient http, String sessionOf,
            StreamingSession session) {

        Object identity() {
            return session != null ? session : tokens;
        }

        /** The problems after at most one attempt of each part that is missing or failed. */
        void check(Set<String> problems, List<Integer> statuses) {
            boolean fetchesTokens = tokens instanceof ClientCredentialsTokenSource;
            if (fetchesTokens) {
                if (!succeeded(tokens.lastOutcome())) {
                    await(tokens.token(http));
                }
                report("access token of " + tokensOf, tokens.lastOutcome(), problems, statuses);
            }
            if (session != null && session.lastOutcome().isPresent()) {
                if (!succeeded(session.lastOutcome()) && (!fetchesTokens || succeeded(tokens.lastOutcome()))) {
                    await(session.id());
                }
                report("streaming session of " + sessionOf, session.lastOutcome(), problems, statuses);
            }
        }

        private static boolean succeeded(Optional<Outcome> outcome) {
            return outcome.isPresent() && outcome.get().succeeded();
        }

        private static void await(CompletableFuture<?> attempt) {
            try {
                attempt.get(PROBE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException failedOrStillWaiting) {
                // the outcome, read next, says what went wrong
            }
        }

        private static void report(String what, Optional<Outcome> outcome, Set<String> problems, List<Integer> statuses) {
            if (outcome.isEmpty()) {
                problems.add(what + ": no answer yet");
            } else if (!outcome.get().succeeded()) {
                problems.add(what + ": " + outcome.get().failure());
                statuses.add(outcome.get().status());
            }
        }
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<Object, Prerequisite> prerequisites = new LinkedHashMap<>();
        component.startedEndpoints().forEach(endpoint -> endpoint.prerequisite()
                .ifPresent(prerequisite -> prerequisites.putIfAbsent(prerequisite.identity(), prerequisite)));
        // endpoints with different sessions share a token source: one failure, said once
        Set<String> problems = new LinkedHashSet<>();
        List<Integer> statuses = new ArrayList<>();
        prerequisites.values().forEach(prerequisite -> prerequisite.check(problems, statuses));
        component.gateStates().forEach((tenant, state) -> builder.detail(GATE_DETAIL + tenant, state.toString()));
        if (problems.isEmpty()) {
            builder.up();
            return;
        }
        statuses.stream().filter(status -> status > 0).findFirst()
                .ifPresent(status -> builder.detail(SERVICE_STATUS_CODE, status));
        builder.message(String.join("; ", problems)).down();
    }
}
