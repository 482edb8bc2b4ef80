package io.github.camelalvaria.messaging;

import java.net.SocketTimeoutException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelalvaria.messaging.client.FailureMapper;

import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.core5.util.Deadline;
import org.apache.hc.core5.util.DeadlineTimeoutException;
import org.apache.hc.core5.util.TimeValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void aServerThatStallsTimesOutAsRetryable() {
        alvaria.answerApi(new MockResponse.Builder().code(202).headersDelay(5, TimeUnit.SECONDS).build());

        Exception failure = send(URI + "&requestTimeout=300", "hello").getException();

        assertThat(failure).isInstanceOf(AlvariaRetryableException.class)
                .hasMessageContaining("no response").hasRootCauseInstanceOf(SocketTimeoutException.class);
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
}
