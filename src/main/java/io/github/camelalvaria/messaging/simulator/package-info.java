/**
 * The embedded Alvaria simulator: a real HTTP server on 127.0.0.1 that behaves like the Alvaria platform for the
 * Messaging API v2.0.1 and its streaming session, the app's default target and the end-to-end tests' counterpart.
 * Start it with {@link io.github.camelalvaria.messaging.simulator.AlvariaSimulator#start(SimulatorSettings)}.
 *
 * <h2>Platform endpoints</h2>
 * <ul>
 * <li>{@code POST /tokenservice/oauth2/access_token?realm={orgId}}: form {@code grant_type=client_credentials},
 * {@code realm}, {@code scope}; client authentication HTTP Basic. 200
 * {@code {"access_token","scope","token_type":"Bearer","expires_in"}}; no scope asked grants {@code messagingapi}.
 * 401 {@code {"error":"invalid_client"}} for missing or wrong credentials; 400 {@code unsupported_grant_type} for
 * another grant, {@code invalid_request} for a missing grant_type, a missing or unknown realm (query or form), a body
 * that is not a form; 405 for another method; 503 {@code temporarily_unavailable} when the fault says so. Scopes are
 * granted as asked: the messaging calls need {@code messagingapi}, the streaming calls {@code streamingapi}, so a
 * client of both asks for {@code messagingapi streamingapi}.</li>
 * <li>{@code POST /via/v2/organizations/{orgId}/messaging/users/{userId}/sendText | sendUrl | notification}, checked
 * in this order:
 * <ol>
 * <li>404 for any other path under {@code /via/} but the streaming ones, 405 (with {@code Allow: POST}) for another
 * method;</li>
 * <li>the injected fault, if any: 429 with {@code Retry-After}, 500, 503, a dropped connection (at once, never
 * delayed); latency delays every answer, whatever it is;</li>
 * <li>401 with an empty body: {@code Authorization} missing, not {@code Bearer}, unknown, expired, or without scope
 * {@code messagingapi} (these carry {@code WWW-Authenticate: Bearer error="invalid_token"}); {@code x-api-key}
 * missing or not the configured key (no {@code WWW-Authenticate});</li>
 * <li>404 for an orgId other than the configured one;</li>
 * <li>400 when the call cannot be read as the schema says: {@code via-client-sessionid} missing or blank,
 * {@code Content-Type} not {@code application/json}, a body that is not one JSON object (malformed, empty, trailing
 * content, a duplicate key), a required field missing, null, blank or not a string, an expiresAfterSeconds that is
 * not an integer;</li>
 * <li>422 when it reads well but a value is not allowed: entityType not exactly Agent, Monitor or System, state not
 * exactly composing, expiresAfterSeconds outside 1..30;</li>
 * <li>only with {@code strictSessions} (off by default, when any non-blank session id is accepted): 404
 * {@code sessionNotFound} (below) for a {@code via-client-sessionid} that is not a live streaming session;</li>
 * <li>404 for an unknown userId, or an interactionId unknown or of another user; 410 for an ended interaction;</li>
 * <li>202 with an empty body: the message is recorded.</li>
 * </ol>
 * Every error but 401 is the reference's ErrorResponse {@code {"code","message","errors":[{"scope","reason",
 * "message"}]}}, whose message names each field or header at fault. Fields the schema does not name are ignored.</li>
 * </ul>
 *
 * <h2>Streaming session</h2>
 * Under {@code /via/v2/organizations/{orgId}/streaming/} and, the same, {@code /via/v3/organizations/{orgId}/streaming/}.
 * Every call needs {@code Authorization: Bearer} with scope {@code streamingapi} and {@code x-api-key} (401 with an
 * empty body otherwise, as the messaging calls) and the configured orgId (404). Content-Type is not checked; bodies
 * are JSON, unknown fields are ignored. Injected faults do not apply to these calls.
 * <ul>
 * <li>{@code POST .../streaming/session} with an optional body {@code {"inactivityDelay":60,"maxEvents":5,
 * "requireAcknowledgement":false}} (each field optional, null or missing takes that default; empty body: all
 * defaults): 201 {@code {"sessionId":"<uuid>","creationTime":"2025-05-01T10:15:30.123Z","inactivityDelay":60}}.
 * 400 for a body that is not a JSON object or a field of the wrong type (integers for the first two, a boolean),
 * 422 for an integer below 1. A client should accept 200 as well as 201.</li>
 * <li>{@code DELETE .../streaming/session} with {@code via-client-sessionid}: 204; 404 {@code sessionNotFound} for a
 * session that is not live. A poll waiting on the session is answered 404 {@code sessionNotFound}.</li>
 * <li>{@code GET .../streaming/events} with {@code via-client-sessionid}: a long poll. 200
 * {@code {"events":[...]}} at once when events are pending, else as soon as one is queued, else after
 * {@code eventsWaitMillis} (20 s by default) with {@code {"events":[]}}. At most {@code maxEvents} events, oldest
 * first. Without {@code requireAcknowledgement} an event is delivered once (at most once: delivery removes it); with
 * it, a delivered event stays pending, and is delivered again by every following poll, until acknowledged. An event
 * is a {@link io.github.camelalvaria.messaging.simulator.StreamingEvent}: {@code {"eventId","category":"interaction",
 * "type":"customerMessage"|"composing"|"interactionEnded","interactionId","userId","text","timestamp"}}, {@code text}
 * on customerMessage only; a raw event (below) is sent as it was given. 409 {@code concurrentPoll} (scope
 * {@code session}), counted as a concurrent poll violation, when another poll is waiting on the same session: a
 * client must never have two polls on one session. A poll the client abandons still waits until it is answered, so a
 * client's read timeout must be longer than the wait.</li>
 * <li>{@code POST .../streaming/events/acknowledge} with {@code via-client-sessionid} and
 * {@code {"eventIds":["evt-1",...]}}: 204, removing those events from the session's pending ones; ids it does not
 * hold are ignored. 400 when eventIds is not an array of strings.</li>
 * <li>400 for {@code via-client-sessionid} missing or blank on the last three. 405 (with {@code Allow}) for another
 * method, 404 {@code no such resource} for another path.</li>
 * <li>Inactivity: a session on which no {@code GET /events} arrives within {@code inactivityDelay} seconds of its
 * creation or of the end of its last poll is dropped; a poll in progress keeps it alive until answered.</li>
 * <li>A session that is not live (never created, deleted, dropped for inactivity or by the simulator's control) is
 * answered, on events, acknowledge and delete (and on the messaging calls with {@code strictSessions}):
 * 404 {@code {"code":404,"message":"via-client-sessionid is not a live streaming session (unknown, deleted or
 * dropped)","errors":[{"scope":"header","reason":"sessionNotFound","message":"<the same>"}]}}. A client should create
 * a new session on it.</li>
 * <li>Events are queued on every live session (the simulator has one organization): a customer message or typing
 * injected on an open interaction, and an interaction's end. An event injected while no session is live reaches no
 * one.</li>
 * </ul>
 *
 * <h2>The simulator's own controls (unauthenticated, loopback only)</h2>
 * <ul>
 * <li>{@code GET /simulator/interactions}: the {@link io.github.camelalvaria.messaging.simulator.SimulatorRecord}:
 * interactions with their conversations, refused messaging calls by status, dropped connections (and, as
 * {@code droppedAfterAccept}, those dropped after the message was recorded), tokens issued, platform calls refused
 * 401 for an unknown or expired token ({@code deadTokensRefused}), and under {@code streaming} the same as
 * {@code GET /simulator/sessions}. A conversation
 * ({@link io.github.camelalvaria.messaging.simulator.InteractionRecord}) is the {@code accepted} messages, the
 * {@code failed} calls whose body named the interaction (with their {@code status}, none for a dropped connection,
 * and {@code reason}) and the {@code customerMessages}; one {@code sequence} across the record orders them.</li>
 * <li>{@code POST /simulator/interactions} {@code {"interactionId","userId"}}: 201 with the new interaction (its user
 * becomes known), 409 if the id is taken, 400 if a field is missing.</li>
 * <li>{@code GET /simulator/interactions/{id}}: one interaction, 404 if unknown. {@code DELETE} ends it: 204, and an
 * {@code interactionEnded} event on every live session if it was open.</li>
 * <li>{@code POST /simulator/interactions/{id}/customer-messages} {@code {"text":"..."}}: the customer writes, kept in
 * the conversation; 202 with the {@code customerMessage} event queued on every live session.
 * {@code POST .../customer-typing} (no body): 202 with the {@code composing} event. 404 for an unknown interaction, 410 for an ended one, 400 without a text.</li>
 * <li>{@code GET /simulator/sessions}: the {@link io.github.camelalvaria.messaging.simulator.StreamingRecord}: the
 * live sessions (id, createdAt, inactivityDelay, maxEvents, requireAcknowledgement, pendingEvents, lastPollAt,
 * polling, eventsDelivered, eventsAcknowledged) and the counts of sessions created, deleted, dropped and of
 * concurrent poll violations. {@code GET /simulator/sessions/{id}}: one live session, 404 otherwise.</li>
 * <li>{@code POST /simulator/sessions/{id}/drop}: the platform drops the session: 204, 404 if it is not live.</li>
 * <li>{@code POST /simulator/sessions/{id}/raw-events} with any one JSON value: 202; the value is delivered as it is
 * (text unchanged) inside {@code "events"}, in order with the other events. It can be acknowledged when it is an
 * object with a textual {@code eventId}; otherwise it is delivered once. 400 when the body is not one JSON value,
 * 404 when the session is not live.</li>
 * <li>{@code DELETE /simulator/record}: forgets the conversations and counts (the session counts too), 204;
 * interactions and sessions with their pending events stay.</li>
 * <li>{@code GET /simulator/faults}, {@code PUT /simulator/faults}: the
 * {@link io.github.camelalvaria.messaging.simulator.Faults} as JSON; a PUT sets the fields it names over
 * {@code Faults.NONE}. 400 for an unknown field or a wrong type, 422 for a value out of range.</li>
 * <li>{@code GET /simulator/rate-limit}, {@code PUT /simulator/rate-limit}: the per-organization
 * {@link io.github.camelalvaria.messaging.simulator.RateLimit} as JSON, {@code {"requestsPerSecond":500,"burst":100}}
 * ({@code requestsPerSecond} 0: off); a call over it is answered 429 with {@code Retry-After} before any other check,
 * and kept as a failed call. 400 for an unknown field or a wrong type, 422 for a value out of range.</li>
 * <li>{@code POST /simulator/tokens/expire}: every issued token stops working, 204.</li>
 * </ul>
 *
 * <h2>The conversation view</h2>
 * {@code GET /} (and {@code HEAD}) serves a page, with {@code /conversation.js} and {@code /conversation.css}, that
 * polls {@code GET /simulator/interactions} every 500 ms and shows each conversation as chat bubbles: the agent's
 * texts and URLs, the customer's messages on the other side, failed calls marked with their status, and a typing
 * indicator for the last accepted notification until its {@code expiresAfterSeconds} (10 when it gives none, the
 * reference's example) have passed. Its answers carry a Content-Security-Policy that allows scripts only from those
 * files. Another method on those paths is 405; any other path outside {@code /via/}, {@code /tokenservice/} and
 * {@code /simulator/} is 404 {@code no such resource}.
 */
package io.github.camelalvaria.messaging.simulator;
