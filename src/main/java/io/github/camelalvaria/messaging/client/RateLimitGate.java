package io.github.camelalvaria.messaging.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.github.camelalvaria.messaging.AlvariaMessagingException;
import io.github.camelalvaria.messaging.AlvariaRetryableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate-limit gate of one tenant, shared by all its endpoints. A 429, or a 503 with {@code Retry-After}, closes it
 * until the time the server named; while it is closed new sends wait in a queue, holding no thread: the gate wakes
 * itself on a scheduler when it opens. After a 429 that finds the tenant's limit reached (a share of the calls on the
 * wire with it were refused too) it keeps pacing the tenant's sends, so that the sends that waited do not
 * all meet the platform's limit again at once: at a rate learned from the calls the platform accepted in the second
 * before the 429, lowered on each further such 429 and raised while sends wait for it (doubling while it searches for
 * the limit, then slowly), forgotten after a minute without a 429. It also paces sends by the optional
 * {@link Limits}: a token bucket ({@code maxRequestsPerSecond}) and an adaptive concurrency limit (halved on a 429,
 * raised by one per limit's worth of successes).
 * <p>
 * Every send that {@link Entrance#enter enters} the gate must {@link Entrance#left leave} it exactly once.
 */
public final class RateLimitGate {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitGate.class);
    /** The first closure for a 429 without Retry-After; each one in a row doubles it, up to the maximum. */
    private static final Duration DEFAULT_CLOSURE = Duration.ofMillis(500);
    private static final Duration MAX_DEFAULT_CLOSURE = Duration.ofSeconds(30);
    private static final CompletableFuture<Void> ADMITTED = CompletableFuture.completedFuture(null);
    /** A 429 sets the pace to this share of the rate the platform accepted just before it. */
    private static final double PACE_DECREASE = 0.9;
    /** While sends wait for the pace: its growth a second, searching for the limit, and once it has been found. */
    private static final double PACE_SEARCH_GROWTH = 1.0;
    private static final double PACE_STEADY_GROWTH = 0.002;
    /** The pace is forgotten when the platform has not refused a call for this long. */
    private static final long PACE_MEMORY_NANOS = Duration.ofMinutes(1).toNanos();
    /** The calls accepted in the last second, counted in slots of a tenth of a second. */
    private static final int ACCEPTED_SLOTS = 10;
    private static final long ACCEPTED_SLOT_NANOS = 100_000_000L;
    /** A 429 finds the limit reached when the calls on the wire with it had one refusal for this many accepted. */
    private static final int ACCEPTED_PER_REFUSED_AT_A_LIMIT = 2;
    /** The fewest calls on the wire, the 429 among them, that show the limit reached when the gate does not pace. */
    private static final int MIN_HERD = 16;
    /** The pace never falls below this share of the pace it began with. */
    private static final double PACE_FLOOR = 0.5;
    /** The shortest open time a rate is measured over. */
    private static final double MIN_OPEN_SECONDS = 0.5;

    /**
     * What paces the tenant's sends besides the closures.
     *
     * @param maxRequestsPerSecond 0: no client-side rate limit
     * @param adaptiveConcurrency  whether the concurrency limit adapts to 429s (AIMD)
     * @param maxConcurrency       where the adaptive limit starts and the most it grows to
     */
    public record Limits(int maxRequestsPerSecond, boolean adaptiveConcurrency, int maxConcurrency) {
    }

    /** The gate's state for the readiness check; {@code pacedRate} 0: not pacing after a 429. */
    public record State(
            boolean open, long closedForMillis, int waiting, int inFlight, int concurrencyLimit, long pacedRate,
            long rateLimited, long closures) {
        @Override
        public String toString() {
            return (open ? "open" : "closed for " + closedForMillis + " ms") + ", " + waiting + " waiting, " + inFlight
                   + " in flight" + (concurrencyLimit > 0 ? ", concurrency limit " + concurrencyLimit : "")
                   + (pacedRate > 0 ? ", paced at " + pacedRate + "/s" : "") + ", 429s received " + rateLimited
                   + ", closures " + closures;
        }
    }

    /** A send waiting for the gate. */
    private record Waiter(CompletableFuture<Void> admission, long enqueuedAt, long deadline, String operation,
                          String uri, long maxWaitNanos) {
    }

    private final String tenant;
    private final Limits limits;
    private final ScheduledExecutorService scheduler;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    // all below guarded by this
    private boolean closed;
    private long closedUntil;
    private int closuresWithoutRetryAfter;
    private double bucket;
    private long bucketFilledAt;
    private int inFlight;
    private double concurrencyLimit;
    /** The pace after a 429, calls a second; 0: none. */
    private double pacedRate;
    private double paceFloor;
    private boolean searchingPace;
    private long lastRateLimitedAt;
    private long openedAt;
    /** The pace before this closure's 429, and the answers of the calls that were on the wire with it. */
    private double paceBeforeClosure;
    private boolean searchingBeforeClosure;
    private int closureAccepted;
    private int closureRefused;
    private final long[] acceptedSlots = new long[ACCEPTED_SLOTS];
    private long acceptedSlot;
    private ScheduledFuture<?> wakeUp;
    private long wakeUpAt;
    private boolean stopped;
    private long rateLimited;
    private long closures;
    private long waitedNanos;

    /**
     * @param tenant    who the gate is for, in log lines and messages: the organization URL
     * @param scheduler wakes the gate when it opens or the bucket refills; admitted sends continue on it
     */
    public RateLimitGate(String tenant, Limits limits, ScheduledExecutorService scheduler) {
        this.tenant = tenant;
        this.limits = limits;
        this.scheduler = scheduler;
        this.bucket = bucketCapacity(rate());
        this.bucketFilledAt = System.nanoTime();
        this.openedAt = bucketFilledAt;
        this.acceptedSlot = bucketFilledAt / ACCEPTED_SLOT_NANOS;
        this.concurrencyLimit = limits.maxConcurrency();
    }

    public Limits limits() {
        return limits;
    }

    /** Where one endpoint's sends enter the gate, with that endpoint's bounds. */
    public Entrance entrance(Duration maxWait, Duration maxClosure) {
        return new Entrance(this, maxWait.toNanos(), maxClosure.toNanos());
    }

    /**
     * One endpoint's way through the gate. {@link #NONE} lets every send through at once (the gate switched off).
     */
    public static final class Entrance {

        /** No gate. */
        public static final Entrance NONE = new Entrance(null, 0, 0);

        private final RateLimitGate gate;
        private final long maxWaitNanos;
        private final long maxClosureNanos;

        private Entrance(RateLimitGate gate, long maxWaitNanos, long maxClosureNanos) {
            this.gate = gate;
            this.maxWaitNanos = maxWaitNanos;
            this.maxClosureNanos = maxClosureNanos;
        }

        /**
         * Completes when the send may go; fails at once with an {@link AlvariaRetryableException} carrying the
         * remaining closure as its Retry-After when the gate stays closed longer than this endpoint waits.
         */
        public CompletableFuture<Void> enter(String operation, String uri) {
            return gate == null ? ADMITTED : gate.enter(operation, uri, maxWaitNanos);
        }

        /** The send that entered is done; its failure, if any, may close the gate. */
        public void left(Throwable failure) {
            if (gate != null) {
                gate.left(failure, maxClosureNanos);
            }
        }
    }

    CompletableFuture<Void> enter(String operation, String uri, long maxWaitNanos) {
        CompletableFuture<Void> admission;
        synchronized (this) {
            long now = System.nanoTime();
            if (stopped) {
                return CompletableFuture.failedFuture(stopping(operation, uri));
            }
            openIfDue(now);
            if (closed && closedUntil - now > maxWaitNanos) {
                return CompletableFuture.failedFuture(tooLong(operation, uri, closedUntil - now, maxWaitNanos));
            }
            if (waiters.isEmpty() && mayAdmit(now)) {
                admit();
                return ADMITTED;
            }
            admission = new CompletableFuture<>();
            waiters.add(new Waiter(admission, now, now + maxWaitNanos, operation, uri, maxWaitNanos));
        }
        pump();
        return admission;
    }

    void left(Throwable failure, long maxClosureNanos) {
        boolean waiting;
        synchronized (this) {
            inFlight--;
            if (failure instanceof AlvariaMessagingException answer && closes(answer)) {
                closeFor(answer, maxClosureNanos);
            } else if (failure == null
                       || failure instanceof AlvariaMessagingException answered && answered.getStatusCode() > 0) {
                // the platform took the call within its limit, whatever it answered
                accepted(System.nanoTime());
                if (closed) {
                    closureAccepted++;
                }
            }
            if (failure == null) {
                closuresWithoutRetryAfter = 0;
                if (limits.adaptiveConcurrency()) {
                    concurrencyLimit = Math.min(limits.maxConcurrency(), concurrencyLimit + 1 / concurrencyLimit);
                }
            }
            waiting = !waiters.isEmpty();
        }
        // with nobody waiting there is nothing to let through: the next enter sees whether the gate is open
        if (waiting) {
            pump();
        }
    }

    private static boolean closes(AlvariaMessagingException answer) {
        return answer.getStatusCode() == 429 || answer.getStatusCode() == 503 && answer.getRetryAfter().isPresent();
    }

    private void closeFor(AlvariaMessagingException answer, long maxClosureNanos) {
        long now = System.nanoTime();
        openIfDue(now);
        boolean wasClosed = closed;
        long closure;
        if (answer.getRetryAfter().isPresent()) {
            closure = nanos(answer.getRetryAfter().get());
        } else {
            // jittered, so that the tenants of one platform do not all come back at the same instant
            long growing = DEFAULT_CLOSURE.toNanos() << Math.min(closuresWithoutRetryAfter++, 6);
            long upTo = Math.min(growing, MAX_DEFAULT_CLOSURE.toNanos());
            closure = upTo / 2 + ThreadLocalRandom.current().nextLong(upTo / 2 + 1);
        }
        closure = Math.min(closure, maxClosureNanos);
        boolean rateLimit = answer.getStatusCode() == 429;
        if (rateLimit) {
            rateLimited++;
            // one decrease a closure: the 429s of the calls that were on the wire together are one signal
            if (limits.adaptiveConcurrency() && !wasClosed) {
                concurrencyLimit = Math.max(1, concurrencyLimit / 2);
            }
        }
        if (closure <= 0) {
            return;
        }
        if (rateLimit && !wasClosed) {
            paceBeforeClosure = pacedRate;
            searchingBeforeClosure = searchingPace;
            closureAccepted = 0;
            closureRefused = 0;
            pace(now);
        } else if (rateLimit) {
            closureRefused++;
        }
        if (!wasClosed) {
            closures++;
            LOG.info("Rate-limit gate of {} closed for {} ms: HTTP {}", tenant, closure / 1_000_000,
                     answer.getStatusCode());
        }
        if (!wasClosed || closedUntil - (now + closure) < 0) {
            closedUntil = now + closure;
        }
        closed = true;
    }

    /** A 429 closed the gate: the pace drops below what the platform accepted in the second before it. */
    private void pace(long now) {
        // the rate while the gate was open (a closure within the last second took no calls), over at least half a
        // second, so that a burst the platform let through at once does not count as its rate
        double openSeconds = Math.max(MIN_OPEN_SECONDS, Math.min(1, (now - openedAt) / 1e9));
        double acceptedRate = acceptedLastSecond(now) / openSeconds;
        if (pacedRate > 0) {
            pacedRate = Math.max(paceFloor, Math.min(pacedRate, acceptedRate) * PACE_DECREASE);
            searchingPace = false;
        } else {
            // the first 429: the rate may still be far under the limit, so the pace searches upward from here
            pacedRate = Math.max(1, acceptedRate * PACE_DECREASE);
            paceFloor = Math.max(1, pacedRate * PACE_FLOOR);
            searchingPace = true;
            bucket = Math.min(bucket, bucketCapacity(rate()));
        }
        lastRateLimitedAt = now;
    }

    private void accepted(long now) {
        advanceAcceptedSlots(now);
        acceptedSlots[(int) (acceptedSlot % ACCEPTED_SLOTS)]++;
    }

    private long acceptedLastSecond(long now) {
        advanceAcceptedSlots(now);
        long sum = 0;
        for (long count : acceptedSlots) {
            sum += count;
        }
        return sum;
    }

    private void advanceAcceptedSlots(long now) {
        long slot = now / ACCEPTED_SLOT_NANOS;
        for (long next = acceptedSlot + 1; next <= slot && next <= acceptedSlot + ACCEPTED_SLOTS; next++) {
            acceptedSlots[(int) (next % ACCEPTED_SLOTS)] = 0;
        }
        acceptedSlot = Math.max(acceptedSlot, slot);
    }

    /** Lets through what may go now, fails the waiters whose bound the closure outlasts, and sets the next wake-up. */
    private void pump() {
        List<Waiter> admitted = new ArrayList<>();
        List<Waiter> refused = new ArrayList<>();
        long closedFor;
        synchronized (this) {
            long now = System.nanoTime();
            openIfDue(now);
            if (closed) {
                for (Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
                    Waiter waiter = it.next();
                    if (closedUntil - waiter.deadline() > 0) {
                        it.remove();
                        refused.add(waiter);
                    }
                }
                wakeUpAt(closedUntil);
            } else {
                while (!waiters.isEmpty() && mayAdmit(now)) {
                    admit();
                    admitted.add(waiters.poll());
                }
                if (!waiters.isEmpty() && inFlight < concurrencyLimit() && rate() > 0) {
                    // waiting for the bucket: wake when the next token is in
                    wakeUpAt(now + (long) ((1 - bucket) * 1e9 / rate()) + 1);
                }
            }
            for (Waiter waiter : admitted) {
                waitedNanos += now - waiter.enqueuedAt();
            }
            for (Waiter waiter : refused) {
                waitedNanos += now - waiter.enqueuedAt();
            }
            closedFor = closedUntil - now;
        }
        for (Waiter waiter : refused) {
            waiter.admission().completeExceptionally(
                    tooLong(waiter.operation(), waiter.uri(), closedFor, waiter.maxWaitNanos()));
        }
        if (!admitted.isEmpty()) {
            // on the scheduler, in a loop: a send that fails at once re-enters here without deepening any stack
            continueOnScheduler(() -> admitted.forEach(waiter -> waiter.admission().complete(null)));
        }
    }

    private void continueOnScheduler(Runnable admissions) {
        try {
            scheduler.execute(admissions);
        } catch (RejectedExecutionException stopping) {
            admissions.run();
        }
    }

    private boolean mayAdmit(long now) {
        if (closed || inFlight >= concurrencyLimit()) {
            return false;
        }
        if (pacedRate > 0 && now - lastRateLimitedAt > PACE_MEMORY_NANOS) {
            LOG.debug("Rate-limit gate of {} stops pacing: no 429 for a minute", tenant);
            pacedRate = 0;
        }
        double rate = rate();
        if (rate <= 0) {
            return true;
        }
        double seconds = (now - bucketFilledAt) / 1e9;
        bucketFilledAt = now;
        if (pacedRate > 0 && !waiters.isEmpty()) {
            // sends wait for the pace, not for the platform: raise it, as fast as it searches or slowly once found
            // (a waiter wakes the gate at least once a token, so a longer gap was idle time, not waiting)
            pacedRate *= 1 + Math.min(seconds, 1) * (searchingPace ? PACE_SEARCH_GROWTH : PACE_STEADY_GROWTH);
        }
        bucket = Math.min(bucketCapacity(rate), bucket + seconds * rate);
        return bucket >= 1;
    }

    private void admit() {
        inFlight++;
        if (rate() > 0) {
            bucket -= 1;
        }
    }

    /** Calls a second the gate lets through: the client-side limit, the pace after a 429, the lower of both; 0: any. */
    private double rate() {
        int configured = limits.maxRequestsPerSecond();
        if (pacedRate <= 0) {
            return configured;
        }
        return configured > 0 ? Math.min(configured, pacedRate) : pacedRate;
    }

    /** A tenth of a second's worth: enough to absorb jitter, small enough not to burst when the gate opens. */
    private static double bucketCapacity(double rate) {
        return Math.max(1, rate / 10.0);
    }

    private int concurrencyLimit() {
        return limits.adaptiveConcurrency() ? (int) concurrencyLimit : Integer.MAX_VALUE;
    }

    private void openIfDue(long now) {
        if (closed && closedUntil - now <= 0) {
            closed = false;
            openedAt = now;
            // the limit was reached when a share of a herd of calls on the wire with the 429 were refused too (the
            // herd that pacing spreads out); while the gate paces, few calls are on the wire and a lone 429 counts
            boolean limitReached = closureRefused * ACCEPTED_PER_REFUSED_AT_A_LIMIT >= closureAccepted
                                   && (paceBeforeClosure > 0
                                       || closureRefused > 0 && closureRefused + closureAccepted + 1 >= MIN_HERD);
            if (!limitReached) {
                // that call's own refusal: it does not pace (scattered refusals would otherwise starve the tenant)
                pacedRate = paceBeforeClosure;
                searchingPace = searchingBeforeClosure;
            }
            LOG.debug("Rate-limit gate of {} open{}", tenant,
                      pacedRate > 0 ? ", pacing at " + (long) pacedRate + " calls a second" : "");
        }
    }

    private void wakeUpAt(long at) {
        if (stopped || wakeUp != null && wakeUpAt - at <= 0) {
            return;
        }
        if (wakeUp != null) {
            wakeUp.cancel(false);
        }
        wakeUpAt = at;
        try {
            wakeUp = scheduler.schedule(this::wokenUp, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            wakeUp = null;
        }
    }

    private void wokenUp() {
        synchronized (this) {
            // this wake-up is spent: the pump may need the next one, e.g. when a later 429 extended the closure
            wakeUp = null;
        }
        pump();
    }

    /** The component stops or no endpoint uses the gate any more: every waiting send fails, retryable. */
    public void stop() {
        List<Waiter> waiting;
        synchronized (this) {
            stopped = true;
            if (wakeUp != null) {
                wakeUp.cancel(false);
            }
            waiting = new ArrayList<>(waiters);
            waiters.clear();
        }
        waiting.forEach(waiter -> waiter.admission().completeExceptionally(stopping(waiter.operation(), waiter.uri())));
    }

    public synchronized State state() {
        long now = System.nanoTime();
        openIfDue(now);
        return new State(!closed, closed ? (closedUntil - now) / 1_000_000 : 0, waiters.size(), inFlight,
                         limits.adaptiveConcurrency() ? (int) concurrencyLimit : 0, (long) pacedRate, rateLimited,
                         closures);
    }

    /** 429s received so far. */
    public synchronized long rateLimitedCount() {
        return rateLimited;
    }

    /** Time sends spent waiting at the gate so far, over all of them. */
    public synchronized long waitedNanos() {
        return waitedNanos;
    }

    private static long nanos(Duration duration) {
        // a Retry-After of 2^63 seconds must not wrap around
        return duration.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : duration.toNanos();
    }

    private AlvariaRetryableException tooLong(String operation, String uri, long remainingNanos, long maxWaitNanos) {
        Duration remaining = Duration.ofMillis(Math.max(1, (remainingNanos + 999_999) / 1_000_000));
        return new AlvariaRetryableException(
                operation + " not sent: the rate-limit gate of " + tenant + " stays closed for another "
                + remaining.toMillis() + " ms, longer than maxGateWait (" + maxWaitNanos / 1_000_000 + " ms)",
                operation, uri, 0, "Rate limited", Map.of(), null, null, remaining, null);
    }

    private AlvariaRetryableException stopping(String operation, String uri) {
        return new AlvariaRetryableException(
                operation + " not sent: the rate-limit gate of " + tenant + " stopped while the send waited",
                operation, uri, 0, "Stopped", Map.of(), null, null, null, null);
    }
}
