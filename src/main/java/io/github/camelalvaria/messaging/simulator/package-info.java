/**
 * The embedded Alvaria simulator: a real HTTP server on 127.0.0.1 that behaves like the Alvaria platform for the
 * Messaging API v2.0.1, the app's default target and the end-to-end tests' counterpart. Start it with
 * {@link io.github.camelalvaria.messaging.simulator.AlvariaSimulator#start(SimulatorSettings)}.
 *
 * <h2>Platform endpoints</h2>
 * <ul>
 * <li>{@code POST /tokenservice/oauth2/access_token?realm={orgId}}: form {@code grant_type=client_credentials},
 * {@code realm}, {@code scope}; client authentication HTTP Basic. 200
 * {@code {"access_token","scope","token_type":"Bearer","expires_in"}}; no scope asked grants {@code messagingapi}.
 * 401 {@code {"error":"invalid_client"}} for missing or wrong credentials; 400 {@code unsupported_grant_type} for
 * another grant, {@code invalid_request} for a missing grant_type, a missing or unknown realm (query or form), a body
 * that is not a form; 405 for another method; 503 {@code temporarily_unavailable} when the fault says so.</li>
 * <li>{@code POST /via/v2/organizations/{orgId}/messaging/users/{userId}/sendText | sendUrl | notification}, checked
 * in this order:
 * <ol>
 * <li>404 for any other path under {@code /via/}, 405 (with {@code Allow: POST}) for another method;</li>
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
 * <li>404 for an unknown userId, or an interactionId unknown or of another user; 410 for an ended interaction;</li>
 * <li>202 with an empty body: the message is recorded.</li>
 * </ol>
 * Every error but 401 is the reference's ErrorResponse {@code {"code","message","errors":[{"scope","reason",
 * "message"}]}}, whose message names each field or header at fault. Fields the schema does not name are ignored.</li>
 * </ul>
 *
 * <h2>The simulator's own controls (unauthenticated, loopback only)</h2>
 * <ul>
 * <li>{@code GET /simulator/interactions}: the {@link io.github.camelalvaria.messaging.simulator.SimulatorRecord}:
 * interactions with their accepted messages, refused calls by status, dropped connections, tokens issued.</li>
 * <li>{@code POST /simulator/interactions} {@code {"interactionId","userId"}}: 201 with the new interaction (its user
 * becomes known), 409 if the id is taken, 400 if a field is missing.</li>
 * <li>{@code GET /simulator/interactions/{id}}: one interaction, 404 if unknown. {@code DELETE} ends it: 204.</li>
 * <li>{@code DELETE /simulator/record}: forgets accepted messages and counts, 204.</li>
 * <li>{@code GET /simulator/faults}, {@code PUT /simulator/faults}: the
 * {@link io.github.camelalvaria.messaging.simulator.Faults} as JSON; a PUT sets the fields it names over
 * {@code Faults.NONE}. 400 for an unknown field or a wrong type, 422 for a value out of range.</li>
 * <li>{@code POST /simulator/tokens/expire}: every issued token stops working, 204.</li>
 * </ul>
 */
package io.github.camelalvaria.messaging.simulator;
