package io.github.camelalvaria.messaging.simulator;

import java.util.List;

/**
 * The streaming sessions since start or since the record was last cleared: {@code GET /simulator/sessions}, and the
 * {@code streaming} part of {@link SimulatorRecord}.
 *
 * @param sessions                 the live sessions, oldest first
 * @param sessionsCreated          sessions created ({@code POST .../streaming/session} answered 201)
 * @param sessionsDeleted          sessions ended by the client ({@code DELETE .../streaming/session} answered 204)
 * @param sessionsDropped          sessions the platform dropped: no {@code GET /events} within their inactivity
 *                                 delay, or {@link AlvariaSimulator#dropSession(String)}
 * @param concurrentPollViolations {@code GET /events} answered 409 because another one was waiting on the same session;
 *                                 a well-behaved client never causes one
 */
public record StreamingRecord(
        List<SessionRecord> sessions,
        long sessionsCreated,
        long sessionsDeleted,
        long sessionsDropped,
        long concurrentPollViolations) {

    public StreamingRecord {
        sessions = List.copyOf(sessions);
    }
}
