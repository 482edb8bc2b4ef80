package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live streaming sessions: the events pending on each, the poll waiting on each, and the session counts.
 *
 * <p>Inactivity is judged when a session is next looked at (by a call naming it, an event to queue, a listing or a
 * count), never by a timer: a session whose last poll ended, or that was created, at least its inactivity delay ago
 * and on which no poll waits is dropped at that moment. Nothing can observe the difference from a timer.
 *
 * <p>A waiting poll is answered once, outside any lock, through its {@link WaitingPoll}: with events as soon as one
 * is queued, with none when the wait ends, as gone when the session is deleted or dropped meanwhile.
 */
final class StreamingSessions {

    private static final Logger LOG = LoggerFactory.getLogger(AlvariaSimulator.class);
    /**
     * Reads a raw event to check that it is one JSON value; duplicate keys pass, since the text is sent as it is. Made
     * at the first raw event, not at the start: a mapper is a tenth of a second of a cold start.
     */
    private static final class RawReader {
        static final ObjectReader INSTANCE = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build().reader();
    }

    /** A {@code GET /events} that waits; each method is called at most once, and only one of them. */
    interface WaitingPoll {
        void answer(List<Object> events);

        /** The session was deleted or dropped while the poll waited. */
        void sessionGone();
    }

    /** What a create-session request asked for. */
    record Options(int inactivityDelay, int maxEvents, boolean requireAcknowledgement) {
        static final int DEFAULT_INACTIVITY_DELAY = 60;
        static final int DEFAULT_MAX_EVENTS = 5;
    }

    /** A queued event: its body as sent, and the id an acknowledgement names it by (null: delivered once only). */
    private record Pending(String ackId, Object body) {
    }

    private final ScheduledExecutorService delays;
    private final long waitMillis;
    private final ConcurrentMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicLong eventSequence = new AtomicLong();
    private final LongAdder created = new LongAdder();
    private final LongAdder deleted = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder concurrentPolls = new LongAdder();

    StreamingSessions(ScheduledExecutorService delays, long waitMillis) {
        this.delays = delays;
        this.waitMillis = waitMillis;
    }

    SessionRecord create(Options options) {
        Session session = new Session(UUID.randomUUID().toString(), options);
        sessions.put(session.id, session);
        created.increment();
        LOG.debug("streaming session created: inactivityDelay {} s, maxEvents {}, requireAcknowledgement {}",
                options.inactivityDelay(), options.maxEvents(), options.requireAcknowledgement());
        return session.snapshot();
    }

    /** Ends a live session at the client's request; 404 when there is none. A waiting poll is told it is gone. */
    void delete(String sessionId) {
        if (!end(live(sessionId))) {
            throw Refusal.sessionNotFound();
        }
        deleted.increment();
        LOG.debug("streaming session deleted");
    }

    /** Drops a live session as the platform would; false when there is none. A waiting poll is told it is gone. */
    boolean drop(String sessionId) {
        Session session = sessions.get(sessionId);
        if (session == null || expireIfIdle(session, System.nanoTime()) || !end(session)) {
            return false;
        }
        dropped.increment();
        LOG.debug("streaming session dropped on request");
        return true;
    }

    /**
     * Starts a {@code GET /events}: the events to answer at once, or null when the poll waits and {@code poll} will
     * be answered. 404 for no live session, 409 (counted) when another poll waits on it.
     */
    List<Object> poll(String sessionId, WaitingPoll poll) {
        return live(sessionId).startPoll(poll);
    }

    /** Removes the acknowledged events of a live session; ids it does not hold are ignored. 404 for no live session. */
    void acknowledge(String sessionId, Collection<String> eventIds) {
        live(sessionId).acknowledge(Set.copyOf(eventIds));
    }

    boolean isLive(String sessionId) {
        Session session = sessions.get(sessionId);
        return session != null && !expireIfIdle(session, System.nanoTime()) && session.isLive();
    }

    /** Queues a new event of {@code type} on every live session (the simulator knows one organization). */
    StreamingEvent publish(String type, String interactionId, String userId, String text) {
        StreamingEvent event = new StreamingEvent("evt-" + eventSequence.incrementAndGet(), StreamingEvent.INTERACTION,
                type, interactionId, userId, text, Instant.now());
        Pending pending = new Pending(event.eventId(), event);
        long now = System.nanoTime();
        sessions.values().stream()
                .filter(session -> !expireIfIdle(session, now))
                .forEach(session -> session.offer(pending));
        return event;
    }

    /**
     * Queues {@code json} on one live session, to be sent as it is; false when there is none. An object with a
     * textual {@code eventId} can be acknowledged by it; any other raw event is delivered once even when the session
     * requires acknowledgement.
     *
     * @throws IllegalArgumentException when {@code json} is not one JSON value
     */
    boolean publishRaw(String sessionId, String json) {
        JsonNode tree;
        try {
            tree = json == null ? null : RawReader.INSTANCE.readTree(json);
        } catch (IOException malformed) {
            tree = null;
        }
        if (tree == null || tree.isMissingNode()) {
            throw new IllegalArgumentException("a raw event must be one JSON value");
        }
        JsonNode eventId = tree.get("eventId");
        Pending pending = new Pending(eventId != null && eventId.isTextual() ? eventId.textValue() : null,
                new RawValue(json.strip()));
        Session session = sessions.get(sessionId);
        return session != null && !expireIfIdle(session, System.nanoTime()) && session.offer(pending);
    }

    Optional<SessionRecord> session(String sessionId) {
        Session session = sessions.get(sessionId);
        return session == null || expireIfIdle(session, System.nanoTime()) || !session.isLive()
                ? Optional.empty() : Optional.of(session.snapshot());
    }

    StreamingRecord record() {
        long now = System.nanoTime();
        List<SessionRecord> live = sessions.values().stream()
                .filter(session -> !expireIfIdle(session, now) && session.isLive())
                .map(Session::snapshot)
                .sorted(Comparator.comparing(SessionRecord::createdAt))
                .toList();
        return new StreamingRecord(live, created.sum(), deleted.sum(), dropped.sum(), concurrentPolls.sum());
    }

    /** Forgets the counts, the simulator's and each session's; the sessions and their events stay. */
    void clearCounts() {
        created.reset();
        deleted.reset();
        dropped.reset();
        concurrentPolls.reset();
        sessions.values().forEach(Session::clearCounts);
    }

    /** The session, dropped first if it has been idle too long; 404 when it is not live. */
    private Session live(String sessionId) {
        Session session = sessions.get(sessionId);
        if (session == null || expireIfIdle(session, System.nanoTime())) {
            throw Refusal.sessionNotFound();
        }
        return session;
    }

    /** True when the session has been idle beyond its inactivity delay, and is now dropped (counted once). */
    private boolean expireIfIdle(Session session, long nowNanos) {
        if (!session.endIfIdle(nowNanos)) {
            return false;
        }
        sessions.remove(session.id, session);
        dropped.increment();
        LOG.debug("streaming session dropped: no GET /events within its inactivityDelay of {} s",
                session.options.inactivityDelay());
        return true;
    }

    /** Ends a session and tells its waiting poll; false when it had ended already. */
    private boolean end(Session session) {
        WaitingPoll waiting;
        synchronized (session) {
            if (!session.isLive()) {
                return false;
            }
            waiting = session.end();
        }
        sessions.remove(session.id, session);
        if (waiting != null) {
            waiting.sessionGone();
        }
        return true;
    }

    /** One session; its lock keeps the pending events, the waiting poll and the activity time together. */
    private final class Session {
        private final String id;
        private final Options options;
        private final Instant createdAt = Instant.now();
        private final long inactivityNanos;
        private final Deque<Pending> pending = new ArrayDeque<>();
        private long lastActivityNanos = System.nanoTime();
        private Instant lastPollAt;
        private WaitingPoll waiting;
        private ScheduledFuture<?> waitEnd;
        private long delivered;
        private long acknowledged;
        private boolean ended;

        Session(String id, Options options) {
            this.id = id;
            this.options = options;
            this.inactivityNanos = TimeUnit.SECONDS.toNanos(options.inactivityDelay());
        }

        synchronized boolean isLive() {
            return !ended;
        }

        /** Ends the session when no poll waits and none ended within the inactivity delay; true if this ended it. */
        synchronized boolean endIfIdle(long nowNanos) {
            if (ended || waiting != null || nowNanos - lastActivityNanos < inactivityNanos) {
                return false;
            }
            end();
            return true;
        }

        /** Marks the session ended and returns the poll that waited on it, if any, for the caller to tell. */
        synchronized WaitingPoll end() {
            ended = true;
            pending.clear();
            WaitingPoll gone = waiting;
            stopWaiting(System.nanoTime());
            return gone;
        }

        synchronized List<Object> startPoll(WaitingPoll poll) {
            if (ended) {
                throw Refusal.sessionNotFound();
            }
            if (waiting != null) {
                concurrentPolls.increment();
                LOG.warn("a second GET /events arrived while one waits on the same streaming session: "
                         + "a client must never poll one session twice at once");
                throw Refusal.of(409, "session", "concurrentPoll", "a GET /events is already waiting on this "
                        + MessageValidator.SESSION_HEADER + "; never poll one session twice at once");
            }
            lastPollAt = Instant.now();
            lastActivityNanos = System.nanoTime();
            if (!pending.isEmpty() || waitMillis == 0) {
                return takeBatch();
            }
            waiting = poll;
            waitEnd = delays.schedule(() -> endWait(poll), waitMillis, TimeUnit.MILLISECONDS);
            return null;
        }

        /** The wait is over: a poll still waiting is answered with no events. */
        private void endWait(WaitingPoll poll) {
            synchronized (this) {
                if (waiting != poll) {
                    return;
                }
                stopWaiting(System.nanoTime());
            }
            poll.answer(List.of());
        }

        /** Queues an event, and answers the waiting poll with it; false when the session has ended. */
        boolean offer(Pending event) {
            WaitingPoll woken;
            List<Object> events;
            synchronized (this) {
                if (ended) {
                    return false;
                }
                pending.add(event);
                if (waiting == null) {
                    return true;
                }
                woken = waiting;
                stopWaiting(System.nanoTime());
                events = takeBatch();
            }
            woken.answer(events);
            return true;
        }

        synchronized void acknowledge(Set<String> eventIds) {
            if (ended) {
                throw Refusal.sessionNotFound();
            }
            int before = pending.size();
            pending.removeIf(event -> event.ackId() != null && eventIds.contains(event.ackId()));
            acknowledged += before - pending.size();
        }

        /** Up to maxEvents from the head; what needs no acknowledgement leaves the queue as it is handed out. */
        private List<Object> takeBatch() {
            List<Object> batch = new ArrayList<>(Math.min(pending.size(), options.maxEvents()));
            Iterator<Pending> events = pending.iterator();
            while (events.hasNext() && batch.size() < options.maxEvents()) {
                Pending event = events.next();
                batch.add(event.body());
                if (!options.requireAcknowledgement() || event.ackId() == null) {
                    events.remove();
                }
            }
            delivered += batch.size();
            return batch;
        }

        /** No poll waits any more; its end counts as activity. */
        private void stopWaiting(long nowNanos) {
            if (waiting != null) {
                lastActivityNanos = nowNanos;
            }
            waiting = null;
            if (waitEnd != null) {
                waitEnd.cancel(false);
                waitEnd = null;
            }
        }

        synchronized void clearCounts() {
            delivered = 0;
            acknowledged = 0;
        }

        synchronized SessionRecord snapshot() {
            return new SessionRecord(id, createdAt, options.inactivityDelay(), options.maxEvents(),
                    options.requireAcknowledgement(), pending.size(), lastPollAt, waiting != null, delivered,
                    acknowledged);
        }
    }
}
