package io.github.camelalvaria.messaging;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP client's session buffers are 1 KB a connection, sized for the API's small requests and bodiless 202s; what
 * is larger must still go through whole, and the connection must serve the next call normally afterwards: a request
 * head and a response head several times the buffer, a 10 MB text, a 1 MB error body, a long poll's batch of 2,000
 * events.
 */
class LargeBodiesTest extends AlvariaTestSupport {

    private static final String TEXT = "alvaria-messaging:sendText?interactionId=4321";
    /** 10 MiB of text: the reference sets no maximum length. */
    private static final String TEN_MB = "0123456789abcdef".repeat(655_360);
    /** A bearer token of 8 KB (a JWT with many claims): the request head is eight times the buffer. */
    private static final String LARGE_TOKEN = "eyJ" + "a".repeat(8 * 1024);

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aTenMegabyteTextWithAnEightKilobyteTokenGoesOutWholeAndTheConnectionServesTheNextCall() throws Exception {
        alvaria.answerToken(alvaria.tokenResponse(LARGE_TOKEN));

        Exchange large = send(TEXT, TEN_MB);
        Exchange next = send(TEXT, "and a short one");

        assertThat(large.getException()).isNull();
        assertThat(next.getException()).isNull();
        assertThat(large.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
        List<RecordedRequest> requests = alvaria.apiRequests();
        assertThat(requests).hasSize(2);
        assertThat(json.readTree(requests.get(0).getBody().toByteArray()).path("text").asText()).isEqualTo(TEN_MB);
        assertThat(json.readTree(requests.get(1).getBody().toByteArray()).path("text").asText())
                .isEqualTo("and a short one");
        assertThat(requests).allSatisfy(request -> assertThat(request.getHeaders().get("Authorization"))
                .isEqualTo("Bearer " + LARGE_TOKEN));
        assertThat(requests.get(1).getConnectionIndex()).isEqualTo(requests.get(0).getConnectionIndex());
    }

    @Test
    void aMegabyteErrorBodyAndAFourKilobyteHeaderReachTheTypedExceptionWhole() throws Exception {
        String message = "m".repeat(1024 * 1024);
        String body = "{\"code\":422,\"message\":\"" + message + "\",\"errors\":[]}";
        String trace = "t".repeat(4 * 1024);
        alvaria.answerApi(new MockResponse.Builder().code(422).setHeader("Content-Type", "application/json")
                                  .setHeader("X-Trace", trace).body(body).build());

        Exception failure = send(TEXT, "hello").getException();
        Exchange next = send(TEXT, "hello again");

        assertThat(failure).isInstanceOfSatisfying(AlvariaPermanentException.class, typed -> {
            assertThat(typed.getStatusCode()).isEqualTo(422);
            assertThat(typed.getResponseBody()).isEqualTo(body);
            assertThat(typed.getErrorResponse()).hasValueSatisfying(
                    error -> assertThat(error.message()).isEqualTo(message));
            assertThat(typed.getResponseHeaders()).containsEntry("X-Trace", trace);
            // the message quotes the body's start only
            assertThat(typed.getMessage()).hasSizeLessThan(400);
        });
        assertThat(next.getException()).isNull();
        List<RecordedRequest> requests = alvaria.apiRequests();
        assertThat(requests.get(1).getConnectionIndex()).isEqualTo(requests.get(0).getConnectionIndex());
    }

    @Test
    void aLongPollAnsweringTwoThousandEventsDeliversEachInOrder() throws Exception {
        int count = 2_000;
        String events = IntStream.range(0, count).mapToObj(i -> String.format(
                "{\"eventId\":\"e-%d\",\"category\":\"interaction\",\"type\":\"customerMessage\","
                + "\"interactionId\":\"%d\",\"userId\":\"agent-7\",\"text\":\"%s\"}", i, 4000 + i, "x".repeat(200)))
                .collect(Collectors.joining(",", "{\"events\":[", "]}"));
        assertThat(events.length()).isGreaterThan(500 * 1024);
        alvaria.answerPoll(MockAlvaria.json(200, events));
        MockEndpoint delivered = getMockEndpoint("mock:events");
        delivered.expectedMessageCount(count);

        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("alvaria-messaging:events").to("mock:events");
            }
        });

        delivered.assertIsSatisfied(20_000);
        assertThat(delivered.getExchanges()).extracting(
                exchange -> exchange.getMessage().getHeader(AlvariaMessagingConstants.EVENT_ID))
                .containsExactlyElementsOf(IntStream.range(0, count).mapToObj(i -> "e-" + i).toList());
        assertThat(delivered.getExchanges().get(count - 1).getMessage().getBody(Map.class))
                .containsEntry("text", "x".repeat(200)).containsEntry("interactionId", "5999");
    }
}
