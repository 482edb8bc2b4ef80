package io.github.camelalvaria.messaging;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelalvaria.messaging.client.FailureMapper;

import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorShutdownException;
import org.apache.hc.core5.util.Deadline;
import org.apache.hc.core5.util.DeadlineTimeoutException;
import org.apache.hc.core5.util.TimeValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every status of the reference's table, and every way of getting no answer, fails with the right type. */
class FailureMappingTest extends AlvariaTestSupport {

    private static final String URI = "alvaria-messaging:sendText?interactionId=4321";
    private static final String ERROR_BODY = "{\"code\":%d,\"message\":\"interaction 4321 is closed\","
                                             + "\"errors\":[{\"scope\":\"body\",\"reason\":\"gone\","
                                             + "\"message\":\"interactionId no longer active\"}]}";

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({
            "400, AlvariaPermanentException",
            "403, AlvariaPermanentException",
            "404, AlvariaPermanentException",
            "405, AlvariaPermanentException",
            "410, AlvariaPermanentException",
            "422, AlvariaPermanentException",
            "408, AlvariaRetryableException",
            "425, AlvariaRetryableException",
            "429, AlvariaRetryableException",
            "500, AlvariaRetryableException",
            "502, AlvariaRetryableException",
            "503, AlvariaRetryableException",
            "504, AlvariaRetryableException" })
    void aStatusMapsToItsExceptionWithTheParsedErrorResponse(int status, String type) {
        alvaria.answerApi(MockAlvaria.json(status, ERROR_BODY.formatted(status)));

        Exception failure = send(URI, "hello").getException();

        assertThat(failure).isInstanceOf(HttpOperationFailedException.class);
        assertThat(failure.getClass().getSimpleName()).isEqualTo(type);
        AlvariaMessagingException typed = (AlvariaMessagingException) failure;
        assertThat(typed.getStatusCode()).isEqualTo(status);
        assertThat(typed.getOperation()).isEqualTo("sendText");
        assertThat(typed.getMessage()).contains("HTTP " + status, "interaction 4321 is closed",
                                                "body/gone: interactionId no longer active");
        assertThat(typed.getErrorResponse()).hasValueSatisfying(error -> {
            assertThat(error.code()).isEqualTo(status);
            assertThat(error.errors()).singleElement().satisfies(detail -> {
                assertThat(detail.scope()).isEqualTo("body");
                assertThat(detail.reason()).isEqualTo("gone");
            });
        });
        assertThat(typed.getUri()).endsWith("/users/agent-7/sendText");
    }

    @Test
    void unauthorizedAfterOneRenewalIsPermanent() {
        alvaria.answerApi(new MockResponse.Builder().code(401).build(), new MockResponse.Builder().code(401).build());

        Exception failure = send(URI, "hello").getException();

        assertThat(failure).isInstanceOf(AlvariaPermanentException.class);
        assertThat(((AlvariaMessagingException) failure).getStatusCode()).isEqualTo(401);
        assertThat(alvaria.apiRequests()).hasSize(2);
        assertThat(alvaria.tokenRequests()).hasSize(2);
    }

    @Test
    void retryableStatusCodesCanBeChanged() {
        alvaria.answerApi(MockAlvaria.json(409, "{}"), MockAlvaria.json(503, "{}"));

        assertThat(send(URI + "&retryableStatusCodes=409", "a").getException())
                .isInstanceOf(AlvariaRetryableException.class);
        assertThat(send(URI + "&retryableStatusCodes=409", "b").getException())
                .isInstanceOf(AlvariaPermanentException.class);
    }

    @Test
    void retryAfterInSecondsBecomesTheRedeliveryDelay() {
        alvaria.answerApi(new MockResponse.Builder().code(429).setHeader("Retry-After", "7").build());

        Exchange exchange = send(URI, "hello");

        assertThat(((AlvariaMessagingException) exchange.getException()).getRetryAfter())
                .hasValueSatisfying(delay -> assertThat(delay.toSeconds()).isEqualTo(7));
        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY, Long.class)).isEqualTo(7000L);
    }

    @Test
    void retryAfterAsHttpDateBecomesTheRedeliveryDelay() {
        String inTwentySeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(20));
        alvaria.answerApi(new MockResponse.Builder().code(503).setHeader("Retry-After", inTwentySeconds).build());

        Exchange exchange = send(URI, "hello");

        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY, Long.class))
                .isBetween(17_000L, 20_000L);
    }

    @Test
    void retryAfterIsCappedAtMaxRetryAfter() {
        alvaria.answerApi(new MockResponse.Builder().code(429).setHeader("Retry-After", "3600").build());

        Exchange exchange = send(URI + "&maxRetryAfter=2s", "hello");

        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY, Long.class)).isEqualTo(2000L);
    }

    @Test
    void aRetryableFailureWithoutRetryAfterClearsAnOldDelay() {
        alvaria.answerApi(new MockResponse.Builder().code(503).build());

        Exchange exchange = send(URI, "hello", Exchange.REDELIVERY_DELAY, 99_000L);

        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isNull();
    }

    @Test
    void withThrowExceptionOnFailureFalseTheRouteGetsTheStatus() {
        alvaria.answerApi(MockAlvaria.json(404, ERROR_BODY.formatted(404)));

        Exchange exchange = send(URI + "&throwExceptionOnFailure=false", "hello");

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(404);
        assertThat(exchange.getMessage().getBody()).isEqualTo("hello");
    }

    /** The session was never created, so the message was never sent: that is no answer of the API to it. */
    @Test
    void withThrowExceptionOnFailureFalseASessionThatCouldNotBeCreatedIsStillAnException() {
        alvaria.answerSession(MockAlvaria.json(500, "{\"code\":500,\"message\":\"session service down\"}"));

        Exchange exchange = send(URI + "&throwExceptionOnFailure=false&sessionId=", "hello");

        assertThat(exchange.getException()).isInstanceOf(AlvariaRetryableException.class)
                .hasMessageContaining("session service down");
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isNull();
        assertThat(alvaria.apiRequests()).isEmpty();
    }

    @Test
    void withThrowExceptionOnFailureFalseASuccessClearsTheTextOfAnEarlierFailure() {
        alvaria.answerApi(MockAlvaria.json(404, ERROR_BODY.formatted(404)));
        String uri = URI + "&throwExceptionOnFailure=false";

        Exchange failed = send(uri, "hello");
        Exchange retried = send(uri, "hello", Exchange.HTTP_RESPONSE_CODE, 404,
                                Exchange.HTTP_RESPONSE_TEXT, failed.getMessage().getHeader(Exchange.HTTP_RESPONSE_TEXT));

        assertThat(failed.getMessage().getHeader(Exchange.HTTP_RESPONSE_TEXT)).isEqualTo("Not Found");
        assertThat(retried.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
        assertThat(retried.getMessage().getHeader(Exchange.HTTP_RESPONSE_TEXT)).isNull();
    }

    @Test
    void aServerThatStallsTimesOutAsRetryable() {
        alvaria.answerApi(new MockResponse.Builder().code(202).headersDelay(5, TimeUnit.SECONDS).build());

        Exception failure = send(URI + "&requestTimeout=300", "hello").getException();

        assertThat(failure).isInstanceOf(AlvariaRetryableException.class)
                .hasMessageContaining("no response").hasRootCauseInstanceOf(SocketTimeoutException.class);
    }

    /** Every pooled connection busy: the next request waits connectionRequestTimeout, not HttpClient's 3 minutes. */
    @Test
    void aRequestThatGetsNoPooledConnectionInConnectionRequestTimeoutFailsRetryableUnsent() throws Exception {
        String uri = URI + "&maxConnectionsPerHost=1&connectionRequestTimeout=300";
        send(uri, "token first");
        alvaria.answerApi(new MockResponse.Builder().code(202).headersDelay(3, TimeUnit.SECONDS).build());
        CompletableFuture<Exchange> holdsTheConnection = template.asyncSend(uri, exchange -> exchange.getMessage().setBody("slow"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> alvaria.apiRequests().size() == 2);

        Exception failure = send(uri, "waits for a connection").getException();

        assertThat(failure).isInstanceOf(AlvariaRetryableException.class).hasMessageContaining("no response");
        assertThat(alvaria.apiRequests()).hasSize(2);
        assertThat(holdsTheConnection.get(10, TimeUnit.SECONDS).getException()).isNull();
    }

    @Test
    void aDroppedConnectionIsRetryable() {
        alvaria.answerApi(new MockResponse.Builder().code(202)
                                  .onResponseStart(new SocketEffect.CloseSocket(true, false, false)).build());

        Exception failure = send(URI, "hello").getException();

        assertThat(failure).isInstanceOf(AlvariaRetryableException.class).hasMessageContaining("no response");
        assertThat(((AlvariaMessagingException) failure).getStatusCode()).isZero();
    }

    /**
     * No pooled connection came free within the lease timeout (HttpClient's DeadlineTimeoutException, not an
     * IOException): nothing was sent, so it is worth a redelivery. The 100,000-message soak saw it with 40,000
     * files in flight, dead-lettered as permanent before.
     */
    @Test
    void noPooledConnectionInTimeIsRetryable() {
        FailureMapper failures = new FailureMapper(Set.of(503), new ObjectMapper().reader());

        AlvariaMessagingException failure = failures.fromTransport("sendText", "POST", "http://127.0.0.1:8080/x",
                DeadlineTimeoutException.from(Deadline.calculate(TimeValue.ofMilliseconds(1))));

        assertThat(failure).isInstanceOf(AlvariaRetryableException.class).hasMessageContaining("no response");
        assertThat(failure.getStatusCode()).isZero();
    }

    @Test
    void aRefusedConnectionIsRetryable() {
        int closedPort = alvaria.port();
        alvaria.close();

        Exception failure = send(URI + "&accessToken=fixed&clientId=&clientSecret=&baseUrl=http://127.0.0.1:"
                                 + closedPort, "hello").getException();

        assertThat(failure).isInstanceOf(AlvariaRetryableException.class).hasMessageContaining("no response");
    }

    @ParameterizedTest(name = "Retry-After: {0}")
    @ValueSource(strings = { "9999999999999999", "9223372036854775807", "9223372036854775808",
                             "184467440737095516150000" })
    void aHugeRetryAfterStillFailsTheExchangeWithTheDelayCappedAtMaxRetryAfter(String retryAfter) {
        alvaria.answerApi(new MockResponse.Builder().code(503).setHeader("Retry-After", retryAfter).build());

        Exchange exchange = send(URI, "hello");

        assertThat(exchange.getException()).isInstanceOf(AlvariaRetryableException.class);
        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY, Long.class)).isEqualTo(120_000L);
    }

    @ParameterizedTest(name = "Retry-After: \"{0}\"")
    @ValueSource(strings = { "-5", "-9223372036854775809", "soon", "1.5", "5 s", "" })
    void anUnreadableRetryAfterLeavesTheRoutesBackoffInCharge(String retryAfter) {
        alvaria.answerApi(new MockResponse.Builder().code(503).setHeader("Retry-After", retryAfter).build());

        Exchange exchange = send(URI, "hello", Exchange.REDELIVERY_DELAY, 99_000L);

        assertThat(exchange.getException()).isInstanceOf(AlvariaRetryableException.class);
        assertThat(((AlvariaMessagingException) exchange.getException()).getRetryAfter()).isEmpty();
        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isNull();
    }

    /** "Try again now" must not turn the route's backoff into a zero-delay loop. */
    @ParameterizedTest(name = "Retry-After: {0}")
    @ValueSource(strings = { "0", "Sun, 06 Nov 1994 08:49:37 GMT" })
    void aRetryAfterOfZeroOrAPastDateLeavesTheRoutesBackoffInCharge(String retryAfter) {
        alvaria.answerApi(new MockResponse.Builder().code(429).setHeader("Retry-After", retryAfter).build());

        Exchange exchange = send(URI, "hello", Exchange.REDELIVERY_DELAY, 99_000L);

        assertThat(exchange.getException()).isInstanceOf(AlvariaRetryableException.class);
        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", "EEE MMM ppd HH:mm:ss yyyy" })
    void aRetryAfterInTheObsoleteHttpDateFormsBecomesTheRedeliveryDelay(String rfc9110Form) {
        String inTwentySeconds = DateTimeFormatter.ofPattern(rfc9110Form, Locale.US)
                .format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(20));
        alvaria.answerApi(new MockResponse.Builder().code(503).setHeader("Retry-After", inTwentySeconds).build());

        Exchange exchange = send(URI, "hello");

        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY, Long.class))
                .isBetween(17_000L, 20_000L);
    }

    @Test
    void anErrorBodyWithoutACharsetIsReadAsUtf8() {
        alvaria.answerApi(new MockResponse.Builder().code(404).setHeader("Content-Type", "application/json")
                                  .body("{\"code\":404,\"message\":\"café fermé\"}").build());

        AlvariaMessagingException failure = (AlvariaMessagingException) send(URI, "hello").getException();

        assertThat(failure.getMessage()).contains("café fermé");
        assertThat(failure.getResponseBody()).contains("café fermé");
        assertThat(failure.getErrorResponse()).hasValueSatisfying(
                error -> assertThat(error.message()).isEqualTo("café fermé"));
    }

    /** A client closed while the route still sends (a context stopping): the message never left, so redeliver it. */
    @Test
    void aSendOnAClientThatIsShutDownIsRetryable() throws IOException {
        CloseableHttpAsyncClient closed = HttpAsyncClients.createMinimal();
        closed.start();
        closed.close(CloseMode.IMMEDIATE);
        context.getRegistry().bind("closedClient", closed);

        Exception failure = send(URI + "&httpClient=#closedClient", "hello").getException();

        assertThat(failure).isInstanceOf(AlvariaRetryableException.class).hasMessageContaining("no response");
        assertThat(alvaria.apiRequests()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "IOReactorShutdownException", "client is shut down", "RejectedExecutionException",
                             "CancellationException" })
    void aShutdownTimeFailureOfAnUnsentRequestIsRetryable(String kind) {
        Exception shutdown = switch (kind) {
            case "IOReactorShutdownException" -> new IOReactorShutdownException("I/O reactor has been shut down");
            case "client is shut down" -> new IllegalStateException("Client is shut down");
            case "RejectedExecutionException" -> new RejectedExecutionException("executor terminated");
            default -> new CancellationException("request cancelled");
        };

        AlvariaMessagingException failure = mapper().fromTransport("sendText", "POST", "http://127.0.0.1:1/x", shutdown);

        assertThat(failure).isInstanceOf(AlvariaRetryableException.class).hasMessageContaining("no response");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "reset", "closed", "EOF" })
    void aHandshakeTheConnectionBrokeIsRetryable(String how) {
        SSLException lost = switch (how) {
            case "reset" -> new SSLException("Connection reset", new SocketException("Connection reset"));
            case "closed" -> new SSLHandshakeException("Remote host terminated the handshake");
            default -> (SSLException) new SSLHandshakeException("Remote host terminated the handshake")
                    .initCause(new EOFException("SSL peer shut down incorrectly"));
        };

        assertThat(mapper().fromTransport("sendText", "POST", "https://127.0.0.1:1/x", lost))
                .isInstanceOf(AlvariaRetryableException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "CertificateException", "CertPathValidatorException", "SSLPeerUnverifiedException" })
    void aCertificateTheClientRefusesIsPermanent(String kind) {
        SSLException refused = switch (kind) {
            case "CertificateException" -> (SSLException) new SSLHandshakeException("PKIX path building failed")
                    .initCause(new CertificateException("unable to find valid certification path"));
            case "CertPathValidatorException" -> (SSLException) new SSLHandshakeException("certificate expired")
                    .initCause(new CertPathValidatorException("validity check failed"));
            default -> new SSLPeerUnverifiedException("Certificate for <127.0.0.1> doesn't match");
        };

        assertThat(mapper().fromTransport("sendText", "POST", "https://127.0.0.1:1/x", refused))
                .isInstanceOf(AlvariaPermanentException.class);
    }

    /** A server that takes the connection and closes it at the first TLS byte: JSSE's handshake dies with EOF. */
    @Test
    void aConnectionClosedDuringTheTlsHandshakeIsRetryable() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread closer = new Thread(() -> {
                try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
                    in.read();
                } catch (IOException ignored) {
                    // the test's assertion tells
                }
            });
            closer.start();

            Exception failure = send(URI + "&accessToken=fixed&clientId=&clientSecret=&baseUrl=https://127.0.0.1:"
                                     + server.getLocalPort(), "hello").getException();

            assertThat(failure).isInstanceOf(AlvariaRetryableException.class).hasMessageContaining("no response")
                    .cause().isInstanceOf(SSLException.class);
            closer.join(5_000);
        }
    }

    private static FailureMapper mapper() {
        return new FailureMapper(Set.of(503), new ObjectMapper().reader());
    }
}
