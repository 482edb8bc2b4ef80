package io.github.camelalvaria.messaging.simulator;

import java.util.Map;

/**
 * Ends a call with an error answer. {@code body} null answers with an empty body (the reference's 401).
 * The exception message is the reason for the debug log, so it never holds a header value or a body.
 */
final class Refusal extends RuntimeException {

    final int status;
    final ErrorResponse body;
    final Map<String, String> headers;

    private Refusal(int status, ErrorResponse body, Map<String, String> headers, String reason) {
        super(reason, null, false, false);
        this.status = status;
        this.body = body;
        this.headers = headers;
    }

    static Refusal of(int status, String scope, String reason, String message) {
        return new Refusal(status, ErrorResponse.of(status, scope, reason, message), Map.of(), message);
    }

    static Refusal of(ErrorResponse body) {
        return new Refusal(body.code(), body, Map.of(), body.message());
    }

    static Refusal withHeader(ErrorResponse body, String header, String value) {
        return new Refusal(body.code(), body, Map.of(header, value), body.message());
    }

    /** 401 without a body; {@code tokenProblem} adds the {@code WWW-Authenticate} that tells a client to renew. */
    static Refusal unauthorized(String reason, boolean tokenProblem) {
        Map<String, String> headers = tokenProblem ? Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\"") : Map.of();
        return new Refusal(401, null, headers, reason);
    }

    static Refusal methodNotAllowed(String method, String allowed) {
        return withHeader(ErrorResponse.of(405, "request", "methodNotAllowed",
                "method " + method + " is not allowed here, only " + allowed), "Allow", allowed);
    }

    static Refusal noSuchResource() {
        return notFound("path", "no such resource");
    }

    static Refusal notFound(String scope, String message) {
        return of(404, scope, "notFound", message);
    }

    /** A {@code via-client-sessionid} that names no live streaming session; never shows the id. */
    static Refusal sessionNotFound() {
        return of(404, "header", "sessionNotFound",
                MessageValidator.SESSION_HEADER + " is not a live streaming session (unknown, deleted or dropped)");
    }
}
