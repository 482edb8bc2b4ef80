package io.github.camelalvaria.messaging.client;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

import com.fasterxml.jackson.databind.ObjectReader;
import io.github.camelalvaria.messaging.AlvariaMessagingException;
import io.github.camelalvaria.messaging.AlvariaPermanentException;
import io.github.camelalvaria.messaging.AlvariaRetryableException;
import io.github.camelalvaria.messaging.model.ErrorResponse;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.impl.EnglishReasonPhraseCatalog;
import org.apache.hc.core5.reactor.IOReactorShutdownException;

/** Turns a non-2xx answer or a transport failure into the typed exception routes map to redelivery or dead letter. */
public final class FailureMapper {

    private static final int MAX_BODY_IN_MESSAGE = 200;
    /** The longest delta-seconds kept: beyond it a Duration's milliseconds would overflow a long. */
    private static final long MAX_RETRY_AFTER_SECONDS = Long.MAX_VALUE / 1000;
    /** RFC 9110's obsolete HTTP-date forms; IMF-fixdate is {@link DateTimeFormatter#RFC_1123_DATE_TIME}. */
    private static final DateTimeFormatter RFC_850_DATE = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'").toFormatter(Locale.US);
    private static final DateTimeFormatter ASCTIME_DATE = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("EEE MMM ppd HH:mm:ss yyyy").toFormatter(Locale.US);

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
        String body = mask(bodyText(response), secrets);
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
        // a certificate the client does not trust is configuration, not a passing fault
        if (failure instanceof SSLException && !connectionLostDuringHandshake(failure)) {
            return new AlvariaPermanentException(message, operation, uri, 0, "TLS failure", Map.of(), null, null, failure);
        }
        if (neverSent(failure)) {
            return new AlvariaRetryableException(message, operation, uri, 0, "No response", Map.of(), null, null, null,
                                                 failure);
        }
        return new AlvariaPermanentException(message, operation, uri, 0, "Client failure", Map.of(), null, null,
                                             failure);
    }

    /**
     * Worth another attempt: the connection failed or timed out (a TimeoutException is the pool's: no connection came
     * free in time), or the client was shutting down, so the request never went out.
     */
    private static boolean neverSent(Throwable failure) {
        return failure instanceof IOException || failure instanceof CancellationException
               || failure instanceof TimeoutException || failure instanceof IOReactorShutdownException
               || failure instanceof RejectedExecutionException
               // HttpClient's answer to a request on a client that is closed or closing
               || failure instanceof IllegalStateException && failure.getMessage() != null
                  && failure.getMessage().toLowerCase(Locale.ROOT).contains("shut down");
    }

    /**
     * A TLS failure the connection caused (reset, closed, end of stream mid-handshake), as opposed to a certificate
     * or protocol refusal: the same request may well succeed on the next connection.
     */
    private static boolean connectionLostDuringHandshake(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException || cause instanceof CertPathValidatorException
                || cause instanceof SSLPeerUnverifiedException) {
                return false;
            }
        }
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException && !(cause instanceof SSLException)) {
                return true;
            }
        }
        // JSSE's words for a peer that closed mid-handshake, and HttpClient's (its I/O session saw end of stream)
        return failure instanceof SSLHandshakeException && failure.getCause() == null
               && ("TLS handshake failed".equals(failure.getMessage())
                   || String.valueOf(failure.getMessage()).contains("Remote host terminated the handshake"));
    }

    /**
     * {@code Retry-After} (RFC 9110 §10.2.3) as delta-seconds or an HTTP-date in any of its three forms; {@code null}
     * when absent or unreadable, {@link Duration#ZERO} for 0 or a date already past. Never longer than a Duration whose
     * milliseconds fit in a long.
     */
    static Duration retryAfter(Header header, Instant now) {
        if (header == null || header.getValue() == null) {
            return null;
        }
        String value = header.getValue().trim();
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // digits only, as many as the server likes: a number beyond a long is still "very long"
            String significant = value.replaceFirst("^0+(?=.)", "");
            boolean huge = significant.length() > 18 || Long.parseLong(significant) > MAX_RETRY_AFTER_SECONDS;
            return Duration.ofSeconds(huge ? MAX_RETRY_AFTER_SECONDS : Long.parseLong(significant));
        }
        Instant at = httpDate(value, now);
        if (at == null) {
            return null;
        }
        Duration until = Duration.between(now, at);
        return until.isNegative() ? Duration.ZERO
                : until.getSeconds() > MAX_RETRY_AFTER_SECONDS ? Duration.ofSeconds(MAX_RETRY_AFTER_SECONDS) : until;
    }

    private static Instant httpDate(String value, Instant now) {
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException notImfFixdate) {
            // fall through to the obsolete forms
        }
        try {
            LocalDateTime rfc850 = LocalDateTime.parse(value, RFC_850_DATE);
            // RFC 9110 §5.6.7: a two-digit year more than 50 years ahead is the most recent past year with those digits
            if (rfc850.isAfter(LocalDateTime.ofInstant(now, ZoneOffset.UTC).plusYears(50))) {
                rfc850 = rfc850.minusYears(100);
            }
            return rfc850.toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notRfc850) {
            // fall through
        }
        try {
            return LocalDateTime.parse(value, ASCTIME_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notAsctime) {
            return null;
        }
    }

    /** The body as text in the charset the Content-Type names, else UTF-8: JSON has no other (RFC 8259 §8.1). */
    private static String bodyText(SimpleHttpResponse response) {
        byte[] bytes = response.getBodyBytes();
        if (bytes == null) {
            return null;
        }
        ContentType type = response.getContentType();
        Charset charset = type == null ? null : type.getCharset();
        return new String(bytes, charset == null ? StandardCharsets.UTF_8 : charset);
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

    /**
     * Quotes the server's text, each part cut at {@value #MAX_BODY_IN_MESSAGE} characters: every log line and dead
     * letter carries the message, and the whole is in the exception's response body and error response.
     */
    private static void describe(StringBuilder message, ErrorResponse error, String body) {
        if (error != null) {
            if (error.message() != null) {
                message.append(": ").append(cut(error.message()));
            }
            if (!error.errors().isEmpty()) {
                message.append(cut(error.errors().stream()
                        .map(detail -> detail.scope() + "/" + detail.reason() + ": " + detail.message())
                        .collect(Collectors.joining("; ", " [", "]"))));
            }
        } else if (body != null && !body.isBlank()) {
            message.append(": ").append(cut(body.strip()));
        }
    }

    private static String cut(String text) {
        return text.length() > MAX_BODY_IN_MESSAGE ? text.substring(0, MAX_BODY_IN_MESSAGE) + "..." : text;
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
