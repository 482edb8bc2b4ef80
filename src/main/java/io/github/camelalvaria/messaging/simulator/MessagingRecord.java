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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/** The known users and interactions, the messages accepted on them, and the calls refused or dropped. */
final class MessagingRecord {

    private final Set<String> users = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<String, Interaction> interactions = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, LongAdder> refused = new ConcurrentHashMap<>();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder droppedAfterAccept = new LongAdder();
    private final AtomicLong sequence = new AtomicLong();

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

    void countRefused(int status) {
        refused.computeIfAbsent(status, s -> new LongAdder()).increment();
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

    /** Forgets the accepted messages and the counts; the interactions, open or ended, stay. */
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

        /** True when it was open. */
        synchronized boolean end() {
            boolean open = !ended;
            ended = true;
            return open;
        }

        synchronized void clear() {
            accepted.clear();
        }

        synchronized InteractionRecord snapshot() {
            return new InteractionRecord(interactionId, userId, ended, accepted);
        }
    }
}
