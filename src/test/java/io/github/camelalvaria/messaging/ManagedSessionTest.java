package io.github.camelalvaria.messaging;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With no session id configured, the component creates, keeps alive, re-creates and deletes a streaming session. */
class ManagedSessionTest extends ManagedSessionTestSupport {

    private static final String URI = "alvaria-messaging:sendText?interactionId=4321";
    private static final String SESSION_GONE = "{\"code\":404,\"message\":\"session not found\",\"errors\":[{\"scope\":"
                                               + "\"header\",\"reason\":\"sessionNotFound\",\"message\":"
                                               + "\"via-client-sessionid is not a live session\"}]}";

    private static final String INTERACTION_ENDED = "{\"code\":410,\"message\":\"interaction has ended\","
                                                   + "\"errors\":[{\"scope\":\"path\",\"reason\":\"gone\","
                                                   + "\"message\":\"interactionId 4321 has ended\"}]}";
    private static final String SESSION_GONE_410 = "{\"code\":410,\"message\":\"session expired\",\"errors\":[{"
                                                   + "\"scope\":\"header\",\"reason\":\"gone\",\"message\":"
                                                   + "\"via-client-sessionid has expired\"}]}";

    @Test
    void threeSendsToAnEndedInteractionAreThreePostsOnOneHealthySession() {
        alvaria.answerApi(MockAlvaria.json(410, INTERACTION_ENDED), MockAlvaria.json(410, INTERACTION_ENDED),
                          MockAlvaria.json(410, INTERACTION_ENDED));

        List<Exception> failures = IntStream.range(0, 3).mapToObj(i -> send(URI, "m" + i).getException()).toList();

        assertThat(failures).allSatisfy(failure -> assertThat(failure).isInstanceOf(AlvariaPermanentException.class)
                .hasMessageContaining("410"));
        assertThat(alvaria.apiRequests()).hasSize(3).extracting(r -> r.getHeaders().get("via-client-sessionid"))
                .containsOnly("managed-1");
        assertThat(alvaria.sessionRequests()).extracting(RecordedRequest::getMethod).containsExactly("POST");
        assertThat(component().sessionRecreationCount()).isZero();
    }

    @Test
    void aGoneAnswerThatNamesTheSessionRecreatesItOnceAndDeletesTheOldOne() {
        send(URI, "first");
        alvaria.answerApi(MockAlvaria.json(410, SESSION_GONE_410));

        Exchange exchange = send(URI, "second");

        assertThat(exchange.getException()).isNull();
        assertThat(alvaria.apiRequests()).extracting(r -> r.getHeaders().get("via-client-sessionid"))
                .containsExactly("managed-1", "managed-1", "managed-2");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(alvaria.sessionRequests())
                .extracting(r -> r.getMethod() + " " + r.getHeaders().get("via-client-sessionid"))
                .containsExactlyInAnyOrder("POST null", "DELETE managed-1", "POST null"));
    }

    @Test
    void stoppingWhileTheSessionIsBeingCreatedDeletesItWhenTheAnswerArrivesAndTheSendIsNotPermanent() {
        alvaria.answerSession(new MockResponse.Builder().code(201).setHeader("Content-Type", "application/json")
                                      .body("{\"sessionId\":\"late-1\"}").headersDelay(1, TimeUnit.SECONDS).build());
        CompletableFuture<Exchange> send = template.asyncSend(URI, exchange -> exchange.getMessage().setBody("hi"));
        await().atMost(Duration.ofSeconds(10)).until(() -> alvaria.sessionRequests().size() == 1);

        context.stop();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(alvaria.sessionRequests())
                .extracting(r -> r.getMethod() + " " + r.getHeaders().get("via-client-sessionid"))
                .containsExactly("POST null", "DELETE late-1"));
        Exception failure = send.join().getException();
        assertThat(failure).isNotNull().isNotInstanceOf(AlvariaPermanentException.class);
        assertThat(alvaria.apiRequests()).isEmpty();
    }

    @Test
    void aRecreationRacingAnOutstandingPollStillGetsItsSessionPolled() {
        send(URI, "start");
        alvaria.holdPolls();
        await().atMost(Duration.ofSeconds(10)).until(() -> alvaria.heldPolls() == 1);
        alvaria.answerApi(MockAlvaria.json(404, SESSION_GONE));
        assertThat(send(URI, "recreates").getException()).isNull();
        alvaria.answerPollOf("managed-1", MockAlvaria.json(404, SESSION_GONE));

        alvaria.releasePolls();

        await().atMost(Duration.ofSeconds(6)).untilAsserted(() -> assertThat(alvaria.pollRequests())
                .extracting(r -> r.getHeaders().get("via-client-sessionid")).contains("managed-2"));
        assertThat(alvaria.sessionRequests()).filteredOn(r -> r.getMethod().equals("POST")).hasSize(2);
    }

    @Test
    void theFirstSendCreatesTheSessionAndEverySendUsesIt() throws Exception {
        send(URI, "one");
        send(URI, "two");

        RecordedRequest create = alvaria.sessionRequests().get(0);
        assertThat(create.getMethod()).isEqualTo("POST");
        assertThat(create.getTarget()).isEqualTo("/via/v2/organizations/acme/streaming/session");
        assertThat(new ObjectMapper().readTree(create.getBody().utf8())).isEqualTo(new ObjectMapper().readTree(
                "{\"inactivityDelay\":120,\"maxEvents\":5,\"requireAcknowledgement\":false}"));
        assertThat(alvaria.tokenRequests().get(0).getBody().utf8()).endsWith("scope=messagingapi+streamingapi");
        assertThat(alvaria.apiRequests()).extracting(r -> r.getHeaders().get("via-client-sessionid"))
                .containsExactly("managed-1", "managed-1");
    }

    @Test
    void theSessionIsKeptAliveByOnePollAtATime() {
        send(URI, "start");

        await().atMost(Duration.ofSeconds(10)).until(() -> alvaria.pollRequests().size() >= 5);
        assertThat(alvaria.pollRequests()).allSatisfy(poll -> {
            assertThat(poll.getTarget()).isEqualTo("/via/v2/organizations/acme/streaming/events");
            assertThat(poll.getHeaders().get("via-client-sessionid")).isEqualTo("managed-1");
        });
    }

    @Test
    void sendsRacingIntoNoSessionCreateOne() {
        List<CompletableFuture<Exchange>> sends = IntStream.range(0, 30)
                .mapToObj(i -> template.asyncSend(URI, exchange -> exchange.getMessage().setBody("m" + i))).toList();
        sends.forEach(CompletableFuture::join);

        assertThat(sends).allSatisfy(send -> assertThat(send.join().getException()).isNull());
        assertThat(alvaria.sessionRequests()).hasSize(1);
    }

    @Test
    void aSendThatFindsTheSessionGoneIsRetriedOnceOnANewSession() {
        send(URI, "first");
        alvaria.answerApi(MockAlvaria.json(404, SESSION_GONE));

        Exchange exchange = send(URI, "second");

        assertThat(exchange.getException()).isNull();
        assertThat(alvaria.apiRequests()).extracting(r -> r.getHeaders().get("via-client-sessionid"))
                .containsExactly("managed-1", "managed-1", "managed-2");
    }

    @Test
    void sendsRacingIntoADeadSessionCreateOneNewSession() {
        send(URI, "first");
        alvaria.answerApi(MockAlvaria.json(404, SESSION_GONE), MockAlvaria.json(404, SESSION_GONE));

        List<CompletableFuture<Exchange>> sends = IntStream.range(0, 2)
                .mapToObj(i -> template.asyncSend(URI, exchange -> exchange.getMessage().setBody("m" + i))).toList();
        sends.forEach(CompletableFuture::join);

        assertThat(sends).allSatisfy(send -> assertThat(send.join().getException()).isNull());
        assertThat(alvaria.sessionRequests()).filteredOn(r -> r.getMethod().equals("POST")).hasSize(2);
    }

    @Test
    void aSessionGoneTwiceIsATypedFailure() {
        alvaria.answerApi(MockAlvaria.json(404, SESSION_GONE), MockAlvaria.json(404, SESSION_GONE));

        Exception failure = send(URI, "hello").getException();

        assertThat(failure).isInstanceOf(AlvariaPermanentException.class).hasMessageContaining("session not found");
        assertThat(alvaria.apiRequests()).hasSize(2);
    }

    @Test
    void aPollThatFindsTheSessionGoneCreatesANewOne() {
        alvaria.answerPoll(MockAlvaria.json(404, SESSION_GONE));
        send(URI, "start");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(alvaria.pollRequests())
                .extracting(r -> r.getHeaders().get("via-client-sessionid")).contains("managed-2"));
        send(URI, "after");
        assertThat(alvaria.apiRequests().get(1).getHeaders().get("via-client-sessionid")).isEqualTo("managed-2");
    }

    @Test
    void aFailingPollBacksOffAndGoesOn() {
        alvaria.answerPoll(new MockResponse.Builder().code(503).build());
        send(URI, "start");

        await().atMost(Duration.ofSeconds(10)).until(() -> alvaria.pollRequests().size() >= 3);
        assertThat(alvaria.sessionRequests()).hasSize(1);
    }

    @Test
    void theSessionIsDeletedWhenTheLastEndpointStops() {
        send(URI, "one");
        send("alvaria-messaging:notification?interactionId=4321", null);

        context.stop();

        assertThat(alvaria.sessionRequests()).hasSize(2);
        RecordedRequest delete = alvaria.sessionRequests().get(1);
        assertThat(delete.getMethod()).isEqualTo("DELETE");
        assertThat(delete.getHeaders().get("via-client-sessionid")).isEqualTo("managed-1");
    }

    @Test
    void aSessionIdInTheHeaderIsUsedAsItIs() {
        send(URI, "mine", AlvariaMessagingConstants.SESSION_ID, "my-own-session");

        assertThat(alvaria.apiRequests().get(0).getHeaders().get("via-client-sessionid")).isEqualTo("my-own-session");
        assertThat(alvaria.sessionRequests()).isEmpty();
    }
}
