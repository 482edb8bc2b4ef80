package io.github.camelalvaria.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** OAuth 2.0 client credentials: the exact request, one token shared and renewed, refusal and outage. */
class TokenFlowTest extends AlvariaTestSupport {

    private static final String URI = "alvaria-messaging:sendText?interactionId=4321";

    @Test
    void theTokenRequestIsTheClientCredentialsGrantOfThePlatformNotes() {
        send(URI + "&scope=messagingapi streamingapi", "hello");

        RecordedRequest request = alvaria.tokenRequests().get(0);
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getTarget()).isEqualTo(MockAlvaria.TOKEN_PATH + "?realm=acme");
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                (MockAlvaria.CLIENT_ID + ":" + MockAlvaria.CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)));
        assertThat(request.getBody().utf8())
                .isEqualTo("grant_type=client_credentials&realm=acme&scope=messagingapi+streamingapi");
    }

    @Test
    void oneTokenServesManySendsAndEveryEndpoint() {
        send(URI, "one");
        send(URI, "two");
        send("alvaria-messaging:notification?interactionId=4321", null);

        assertThat(alvaria.tokenRequests()).hasSize(1);
        assertThat(alvaria.apiRequests()).extracting(r -> r.getHeaders().get("Authorization"))
                .containsOnly("Bearer token-1");
        assertThat(component().tokenFetchCount()).isEqualTo(1);
    }

    @Test
    void manyRequestsNeedingATokenAtOnceCauseOneFetch() {
        alvaria.answerToken(alvaria.tokenResponse("slow-token").newBuilder()
                                    .headersDelay(300, java.util.concurrent.TimeUnit.MILLISECONDS).build());

        List<CompletableFuture<Exchange>> sends = IntStream.range(0, 50)
                .mapToObj(i -> template.asyncSend(URI, exchange -> exchange.getMessage().setBody("m" + i)))
                .toList();
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();

        assertThat(sends).allSatisfy(send -> assertThat(send.join().getException()).isNull());
        assertThat(alvaria.tokenRequests()).hasSize(1);
        assertThat(alvaria.apiRequests()).hasSize(50).extracting(r -> r.getHeaders().get("Authorization"))
                .containsOnly("Bearer slow-token");
    }

    @Test
    void aRefusedTokenIsDroppedAndTheRequestSentOnceMoreWithAFreshOne() {
        alvaria.answerApi(new MockResponse.Builder().code(401).build());

        Exchange exchange = send(URI, "hello");

        assertThat(exchange.getException()).isNull();
        assertThat(alvaria.tokenRequests()).hasSize(2);
        assertThat(alvaria.apiRequests()).extracting(r -> r.getHeaders().get("Authorization"))
                .containsExactly("Bearer token-1", "Bearer token-2");
    }

    @Test
    void aTokenIsRenewedShortlyBeforeItExpires() {
        alvaria.tokenLifetimeSeconds(1);
        send(URI, "first");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            send(URI, "again");
            assertThat(alvaria.tokenRequests()).hasSize(2);
        });
        assertThat(alvaria.apiRequests()).allSatisfy(r -> assertThat(r.getHeaders().get("Authorization"))
                .isIn("Bearer token-1", "Bearer token-2"));
    }

    @Test
    void refusedCredentialsArePermanentWithAClearMessage() {
        alvaria.answerToken(MockAlvaria.json(401, "{\"error\":\"invalid_client\"}"));

        Exception failure = send(URI, "hello").getException();

        assertThat(failure).isInstanceOf(AlvariaPermanentException.class)
                .hasMessageContaining("accessToken failed: HTTP 401").hasMessageContaining("invalid_client");
        assertThat(alvaria.apiRequests()).isEmpty();
    }

    @Test
    void aRefusedTokenFailsEvenWhenApiAnswersDoNot() {
        alvaria.answerToken(MockAlvaria.json(401, "{\"error\":\"invalid_client\"}"));

        Exchange exchange = send(URI + "&throwExceptionOnFailure=false", "hello");

        assertThat(exchange.getException()).isInstanceOf(AlvariaPermanentException.class);
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isNull();
    }

    @Test
    void aTokenServiceThatIsDownIsRetryableAndTriedAgainNextTime() {
        alvaria.answerToken(new MockResponse.Builder().code(503).setHeader("Retry-After", "2").build());

        Exchange failed = send(URI, "hello");
        Exchange next = send(URI, "hello again");

        assertThat(failed.getException()).isInstanceOf(AlvariaRetryableException.class);
        assertThat(failed.getMessage().getHeader(Exchange.REDELIVERY_DELAY, Long.class)).isEqualTo(2000L);
        assertThat(next.getException()).isNull();
        assertThat(alvaria.tokenRequests()).hasSize(2);
    }

    @Test
    void aFixedAccessTokenIsSentAsIsAndNeverFetched() {
        alvaria.answerApi(new MockResponse.Builder().code(401).build());
        String uri = URI + "&clientId=&clientSecret=&accessToken=fixed-token-abc";

        Exchange ok = send(uri, "one");
        Exchange refused = send(uri, "two");

        assertThat(ok.getException()).isInstanceOf(AlvariaPermanentException.class);
        assertThat(refused.getException()).isNull();
        assertThat(alvaria.tokenRequests()).isEmpty();
        assertThat(alvaria.apiRequests()).extracting(r -> r.getHeaders().get("Authorization"))
                .containsExactly("Bearer fixed-token-abc", "Bearer fixed-token-abc");
    }
}
