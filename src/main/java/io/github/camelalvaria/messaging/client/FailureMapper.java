package io.github.camelalvaria.messaging.client;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import javax.net.ssl.SSLException;

import com.fasterxml.jackson.databind.ObjectReader;
import io.github.camelalvaria.messaging.AlvariaMessagingException;
import io.github.camelalvaria.messaging.AlvariaPermanentException;
import io.github.camelalvaria.messaging.AlvariaRetryableException;
import io.github.camelalvaria.messaging.model.ErrorResponse;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.impl.EnglishReasonPhraseCatalog;

/** Turns a non-2xx answer or a transport failure into the typed exception routes map to redelivery or dead letter. */
public final class FailureMapper {

    private static final int MAX_BODY_IN_MESSAGE = 200;

    private final Set<Integer> retryableStatusCodes;
    private final ObjectReader errorReader;

    public FailureMapper(Set<Integer> retryableStatusCodes, ObjectReader errorReader) {
        this.retryableStatusCodes = Set.copyOf(retryableStatusCodes);
        this.errorReader = errorReader;
    }

    /** Parses {@code "408,429, 503"}; the message names the option when a code is not a number. */
    public static Set<Integer> parseStatusCodes(String codes) {
        try {
            return Arrays.stream(codes.split(","))
                    .map(String::trim).filter(code -> !code.isEmpty())
                    .map(Integer::valueOf).collect(Collectors.toUnmodifiableSet());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("retryableStatusCodes must be comma separated numbers, got: " + codes, e);
        }
    }

    /**
     * The exception for an answer outside 2xx. {@code secrets} are masked wherever the server's text is quoted, in case
     * a proxy or server echoes the request.
     */
    public AlvariaMessagingException fromResponse(
            String operation, String method, String uri, SimpleHttpResponse response, String... secrets) {
        int status = response.getCode();
        String statusText = response.getReasonPhrase() == null || response.getReasonPhrase().isBlank()
                ? EnglishReasonPhraseCatalog.INSTANCE.getReason(status, null)
                : response.getReasonPhrase();
        String body = mask(response.getBodyText(), secrets);
        ErrorResponse error = parseError(body);
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : response.getHeaders()) {
            headers.put(header.getName(), mask(header.getValue(), secrets));
        }
        StringBuilder message = new StringBuilder(operation).append(" failed: HTTP ").append(status);
        if (statusText != null) {
            message.append(' ').append(statusText);
        }
        message.append(" from ").append(method).append(' ').append(uri);
        describe(message, error, body);
        if (retryableStatusCodes.contains(status)) {
            Duration retryAfter = retryAfter(response.getFirstHeader(HttpHeaders.RETRY_AFTER), Instant.now());
            return new AlvariaRetryableException(message.toString(), operation, uri, status, statusText, headers, body,
                                                 error, retryAfter, null);
        }
        return new AlvariaPermanentException(message.toString(), operation, uri, status, statusText, headers, body,
                                             error, null);
    }

    /** The exception for a request that got no HTTP answer: refused or dropped connection, timeout, TLS failure. */
    public AlvariaMessagingException fromTransport(String operation, String method, String uri, Throwable failure) {
        String message = operation + " failed: no response from " + method + ' ' + uri + ": "
                         + failure.getClass().getSimpleName()
                         + (failure.getMessage() == null ? "" : " (" + failure.getMessage() + ")");
        // a certificate or handshake problem is configuration, not a passing fault
        if (failure instanceof SSLException) {
            return new AlvariaPermanentException(message, operation, uri, 0, "TLS failure", Map.of(), null, null, failure);
        }
        // a TimeoutException is the pool's: no connection came free in time, so nothing was sent
        if (failure instanceof IOException || failure instanceof CancellationException
            || failure instanceof TimeoutException) {
            return new AlvariaRetryableException(message, operation, uri, 0, "No response", Map.of(), null, null, null,
                                                 failure);
        }
        return new AlvariaPermanentException(message, operation, uri, 0, "Client failure", Map.of(), null, null,
                                             failure);
    }

    /** {@code Retry-After} as delta-seconds or HTTP-date; {@code null} when absent or unreadable. */
    static Duration retryAfter(Header header, Instant now) {
        if (header == null || header.getValue() == null) {
            return null;
        }
        String value = header.getValue().trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private ErrorResponse parseError(String body) {
        if (body == null || !body.stripLeading().startsWith("{")) {
            return null;
        }
        try {
            ErrorResponse error = errorReader.readValue(body);
            // a JSON body that has none of the reference's fields is not an ErrorResponse
            return error.code() == null && error.message() == null && error.errors().isEmpty() ? null : error;
        } catch (IOException notAnErrorResponse) {
            return null;
        }
    }

    private static void describe(StringBuilder message, ErrorResponse error, String body) {
        if (error != null) {
            if (error.message() != null) {
                message.append(": ").append(error.message());
            }
            if (!error.errors().isEmpty()) {
                message.append(error.errors().stream()
                        .map(detail -> detail.scope() + "/" + detail.reason() + ": " + detail.message())
                        .collect(Collectors.joining("; ", " [", "]")));
            }
        } else if (body != null && !body.isBlank()) {
            String snippet = body.strip();
            message.append(": ").append(snippet.length() > MAX_BODY_IN_MESSAGE
                    ? snippet.substring(0, MAX_BODY_IN_MESSAGE) + "..." : snippet);
        }
    }

    static String mask(String text, String... secrets) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                masked = masked.replace(secret, "xxxxxx");
            }
        }
        return masked;
    }
}
