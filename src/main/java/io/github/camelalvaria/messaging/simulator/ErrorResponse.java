package io.github.camelalvaria.messaging.simulator;

import java.util.List;
import java.util.stream.Collectors;

/** The reference's ErrorResponse: the HTTP status, a message naming what was wrong, and one entry per problem. */
record ErrorResponse(int code, String message, List<Detail> errors) {

    /** The reference's Error; {@code scope} is where the problem is (header, path, body, request). */
    record Detail(String scope, String reason, String message) {
    }

    static ErrorResponse of(int code, String scope, String reason, String message) {
        return new ErrorResponse(code, message, List.of(new Detail(scope, reason, message)));
    }

    /** The top message joins the details', so that it names every field at fault. */
    static ErrorResponse of(int code, List<Detail> details) {
        return new ErrorResponse(code, details.stream().map(Detail::message).collect(Collectors.joining("; ")),
                List.copyOf(details));
    }
}
