package io.github.camelalvaria.messaging.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The known users and interactions, their conversations (accepted and failed calls, customer messages), and the counts
 * of calls refused or dropped.
 */
final class MessagingRecord {

    private final Set<String> users = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<String, Interaction> interactions = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, LongAdder> refused = new ConcurrentHashMap<>();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder droppedAfterAccept = new LongAdder();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger callsInFlight = new AtomicInteger();

    MessagingRecord(Set<String> users, Map<String, String> interactions) {
        this.users.addAll(users);
        interactions.forEach(this::addInteraction);
    }

    boolean knowsUser(String userId) {
        return users.contains(userId);
    }

    /** Opens an interaction of {@code userId}, which makes that user known; false when the id is taken. */
    boolean addInteraction(String interactionId, String userId) {
        users.add(userId);
        return interactions.putIfAbsent(interactionId, new Interaction(interactionId, userId)) == null;
    }

    /** False when there is no such interaction; {@code endedNow} gets its userId when this call ended it. */
    boolean endInteraction(String interactionId, Consumer<String> endedNow) {
        Interaction interaction = interactions.get(interactionId);
        if (interaction == null) {
            return false;
        }
        if (interaction.end()) {
            endedNow.accept(interaction.userId);
        }
        return true;
    }

    /** Records an accepted message, or refuses it: 404 for an unknown user or interaction, 410 for an ended one. */
    AcceptedMessage accept(String userId, MessageRequest request) {
        if (!users.contains(userId)) {
            throw Refusal.notFound("path", "user " + userId + " not found");
        }
        Interaction interaction = interactions.get(request.interactionId());
        if (interaction == null || !interaction.userId.equals(userId)) {
            throw Refusal.notFound("body",
                    "interactionId " + request.interactionId() + " not found for user " + userId);
        }
        return interaction.accept(request, sequence);
    }

    /**
     * Keeps a call that was not accepted in the conversation of the interaction it names, if that one is known;
     * {@code status} null for a dropped connection.
     */
    void fail(String userId, Operation operation, MessageValidator.Attempt attempt, Integer status, String reason) {
        Interaction interaction = attempt.interactionId() == null ? null : interactions.get(attempt.interactionId());
        if (interaction != null) {
            interaction.fail(userId, operation, attempt, status, reason, sequence);
        }
    }

    /** Keeps what the customer wrote on a known interaction, carried by the event {@code eventId}. */
    void addCustomerMessage(String interactionId, String text, String eventId, Instant sentAt) {
        Interaction interaction = interactions.get(interactionId);
        if (interaction != null) {
            interaction.addCustomerMessage(text, eventId, sentAt, sequence);
        }
    }

    void countRefused(int status) {
        refused.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    /** A messaging call came in; it is in flight until {@link #callEnded()}, its delay included. */
    void callStarted() {
        callsInFlight.incrementAndGet();
    }

    void callEnded() {
        callsInFlight.decrementAndGet();
    }

    int callsInFlight() {
        return callsInFlight.get();
    }

    /** A connection closed without an answer; {@code afterAccept} when the message was recorded first. */
    void countDropped(boolean afterAccept) {
        dropped.increment();
        if (afterAccept) {
            droppedAfterAccept.increment();
        }
    }

    Optional<InteractionRecord> interaction(String interactionId) {
        return Optional.ofNullable(interactions.get(interactionId)).map(Interaction::snapshot);
    }

    List<InteractionRecord> interactions() {
        return interactions.values().stream()
                .map(Interaction::snapshot)
                .sorted(Comparator.comparing(InteractionRecord::interactionId))
                .toList();
    }

    SortedMap<Integer, Long> refusedCounts() {
        SortedMap<Integer, Long> counts = new TreeMap<>();
        refused.forEach((status, count) -> counts.put(status, count.sum()));
        return counts;
    }

    long droppedCount() {
        return dropped.sum();
    }

    long droppedAfterAcceptCount() {
        return droppedAfterAccept.sum();
    }

    /** Forgets the conversations and the counts; the interactions, open or ended, stay. */
    void clear() {
        interactions.values().forEach(Interaction::clear);
        refused.clear();
        dropped.reset();
        droppedAfterAccept.reset();
        sequence.set(0);
    }

    /** One interaction; its lock keeps the ended check, the sequence number and the append together. */
    private static final class Interaction {
        private final String interactionId;
        private final String userId;
        private final List<AcceptedMessage> accepted = new ArrayList<>();
        private final List<FailedCall> failed = new ArrayList<>();
        private final List<CustomerMessage> customerMessages = new ArrayList<>();
        private boolean ended;

        Interaction(String interactionId, String userId) {
            this.interactionId = interactionId;
            this.userId = userId;
        }

        synchronized AcceptedMessage accept(MessageRequest request, AtomicLong sequence) {
            if (ended) {
                throw Refusal.of(410, "body", "gone", "interactionId " + interactionId + " has ended");
            }
            Operation operation = request.operation();
            AcceptedMessage message = new AcceptedMessage(sequence.incrementAndGet(), operation.pathSegment,
                    interactionId, userId, request.entityName(), request.entityType(),
                    operation == Operation.SEND_TEXT ? request.content() : null,
                    operation == Operation.SEND_URL ? request.content() : null,
                    operation == Operation.NOTIFICATION ? request.content() : null,
                    request.expiresAfterSeconds(), request.sessionId(), Instant.now());
            accepted.add(message);
            return message;
        }

        synchronized void fail(String callUserId, Operation operation, MessageValidator.Attempt attempt, Integer status,
                String reason, AtomicLong sequence) {
            String content = attempt.content();
            failed.add(new FailedCall(sequence.incrementAndGet(), operation.pathSegment, interactionId, callUserId,
                    attempt.entityName(), status, reason,
                    operation == Operation.SEND_TEXT ? content : null,
                    operation == Operation.SEND_URL ? content : null,
                    operation == Operation.NOTIFICATION ? content : null, Instant.now()));
        }

        synchronized void addCustomerMessage(String text, String eventId, Instant sentAt, AtomicLong sequence) {
            customerMessages.add(new CustomerMessage(sequence.incrementAndGet(), interactionId, text, eventId, sentAt));
        }

        /** True when it was open. */
        synchronized boolean end() {
            boolean open = !ended;
            ended = true;
            return open;
        }

        synchronized void clear() {
            accepted.clear();
            failed.clear();
            customerMessages.clear();
        }

        synchronized InteractionRecord snapshot() {
            return new InteractionRecord(interactionId, userId, ended, accepted, failed, customerMessages);
        }
    }
}
