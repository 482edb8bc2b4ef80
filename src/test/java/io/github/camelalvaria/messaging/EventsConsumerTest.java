package io.github.camelalvaria.messaging;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import mockwebserver3.MockResponse;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.service.ServiceSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** alvaria-messaging:events turns the managed session's events into exchanges. */
class EventsConsumerTest extends ManagedSessionTestSupport {

    private static final String CUSTOMER_MESSAGE = "{\"eventId\":\"e-1\",\"category\":\"interaction\","
                                                   + "\"type\":\"customerMessage\",\"interactionId\":\"4321\","
                                                   + "\"userId\":\"agent-7\",\"text\":\"Where is my order?\"}";
    private static final String ENDED = "{\"eventId\":\"e-2\",\"category\":\"interaction\","
                                        + "\"type\":\"interactionEnded\",\"interactionId\":\"4321\"}";

    @Test
    void eachEventBecomesAnExchangeWithItsHeaders() throws Exception {
        MockEndpoint events = route("alvaria-messaging:events", false);
        events.expectedMessageCount(2);

        alvaria.answerPoll(MockAlvaria.json(200, "{\"events\":[" + CUSTOMER_MESSAGE + "," + ENDED + "]}"));

        events.assertIsSatisfied(10_000);
        Exchange first = events.getExchanges().get(0);
        assertThat(first.getMessage().getBody(Map.class)).containsEntry("text", "Where is my order?");
        assertThat(first.getMessage().getHeaders()).containsEntry(AlvariaMessagingConstants.EVENT_TYPE, "customerMessage")
                .containsEntry(AlvariaMessagingConstants.EVENT_CATEGORY, "interaction")
                .containsEntry(AlvariaMessagingConstants.EVENT_ID, "e-1")
                .containsEntry(AlvariaMessagingConstants.INTERACTION_ID, "4321")
                .containsEntry(AlvariaMessagingConstants.USER_ID, "agent-7");
        assertThat(events.getExchanges().get(1).getMessage().getHeader(AlvariaMessagingConstants.EVENT_TYPE))
                .isEqualTo("interactionEnded");
        assertThat(alvaria.acknowledgements()).isEmpty();
    }

    @Test
    void aBareArrayOfEventsIsReadTooAndTypesCanBeFiltered() throws Exception {
        MockEndpoint events = route("alvaria-messaging:events?eventTypes=interactionEnded&eventsAsJson=true", false);
        events.expectedMessageCount(1);

        alvaria.answerPoll(MockAlvaria.json(200, "[" + CUSTOMER_MESSAGE + "," + ENDED + "]"));

        events.assertIsSatisfied(10_000);
        assertThat(events.getExchanges().get(0).getMessage().getBody()).isInstanceOf(String.class).asString()
                .contains("interactionEnded");
    }

    @Test
    void aMalformedEventIsSkippedAndTheStreamGoesOn() throws Exception {
        MockEndpoint events = route("alvaria-messaging:events", false);
        events.expectedMessageCount(2);

        alvaria.answerPoll(MockAlvaria.json(200, "{\"events\":[42, \"garbage\", " + CUSTOMER_MESSAGE + "]}"),
                           MockAlvaria.json(200, "this is not json"),
                           MockAlvaria.json(200, "{\"events\":[" + ENDED + "]}"));

        events.assertIsSatisfied(10_000);
    }

    @Test
    void withAcknowledgementAnEventIsAcknowledgedOnlyAfterItsRouteSucceeded() throws Exception {
        MockEndpoint events = route("alvaria-messaging:events?requireAcknowledgement=true", true);
        events.expectedHeaderReceived(AlvariaMessagingConstants.EVENT_TYPE, "interactionEnded");

        alvaria.answerPoll(MockAlvaria.json(200, "{\"events\":[" + CUSTOMER_MESSAGE + "," + ENDED + "]}"));

        events.assertIsSatisfied(10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> !alvaria.acknowledgements().isEmpty());
        assertThat(alvaria.acknowledgements().get(0).getBody().utf8()).isEqualTo("{\"eventIds\":[\"e-2\"]}");
        assertThat(alvaria.acknowledgements().get(0).getHeaders().get("via-client-sessionid")).isEqualTo("managed-1");
        assertThat(alvaria.sessionRequests().get(0).getBody().utf8()).contains("\"requireAcknowledgement\":true");
    }

    @Test
    void stoppingTheRouteDeletesTheSessionAndStopsPolling() throws Exception {
        route("alvaria-messaging:events", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> alvaria.pollRequests().size() >= 2);

        context.getRouteController().stopRoute("events");
        context.removeRoute("events");

        await().atMost(Duration.ofSeconds(10)).until(() -> alvaria.sessionRequests().size() == 2);
        assertThat(alvaria.sessionRequests().get(1).getMethod()).isEqualTo("DELETE");
        int polls = alvaria.pollRequests().size();
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> alvaria.pollRequests().size() <= polls + 1);
    }

    @Test
    void aStoppedRouteTakesNoEventsOffThePlatformAndGetsThemWhenStartedAgain() throws Exception {
        MockEndpoint events = route("alvaria-messaging:events", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> alvaria.pollRequests().size() >= 2);

        context.getRouteController().stopRoute("events");
        assertNothingPolledWhileAnEventWaits();

        events.expectedHeaderReceived(AlvariaMessagingConstants.EVENT_ID, "e-1");
        context.getRouteController().startRoute("events");
        events.assertIsSatisfied(10_000);
    }

    @Test
    void aSuspendedRouteTakesNoEventsOffThePlatformAndGetsThemWhenResumed() throws Exception {
        MockEndpoint events = route("alvaria-messaging:events", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> alvaria.pollRequests().size() >= 2);

        context.getRouteController().suspendRoute("events");
        assertNothingPolledWhileAnEventWaits();

        events.expectedHeaderReceived(AlvariaMessagingConstants.EVENT_ID, "e-1");
        context.getRouteController().resumeRoute("events");
        events.assertIsSatisfied(10_000);
    }

    /** At most the poll that was out when the route stopped; the event waits on the server (or is held, not lost). */
    private void assertNothingPolledWhileAnEventWaits() {
        int polls = alvaria.pollRequests().size();
        alvaria.answerPoll(MockAlvaria.json(200, "{\"events\":[" + CUSTOMER_MESSAGE + "]}"));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> alvaria.pollRequests().size() <= polls + 1);
    }

    @Test
    void eventsNotStartedWhenTheRouteStopsMidBatchAreNotAcknowledged() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("alvaria-messaging:events?requireAcknowledgement=true").routeId("events").process(exchange -> {
                    entered.countDown();
                    release.await(10, TimeUnit.SECONDS);
                });
            }
        });
        alvaria.answerPoll(MockAlvaria.json(200, "{\"events\":[" + CUSTOMER_MESSAGE + "," + ENDED + "]}"));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        ServiceSupport consumer = (ServiceSupport) context.getRoute("events").getConsumer();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
            try {
                context.getRouteController().stopRoute("events");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> consumer.isStopped() || consumer.isSuspended());
        } finally {
            release.countDown();
        }
        stopping.get(20, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10)).until(() -> !alvaria.acknowledgements().isEmpty());
        assertThat(alvaria.acknowledgements()).extracting(r -> r.getBody().utf8())
                .containsExactly("{\"eventIds\":[\"e-1\"]}");
    }

    @Test
    void aRouteThatKeepsFailingGetsItsUnacknowledgedEventABoundedNumberOfTimes() throws Exception {
        alvaria.deliverUntilAcknowledged("e-1", CUSTOMER_MESSAGE);
        route("alvaria-messaging:events?requireAcknowledgement=true", true);

        await().atMost(Duration.ofSeconds(10)).until(() -> alvaria.deliveries("e-1") >= 1);
        int first = alvaria.deliveries("e-1");
        // backing off 1 s, 2 s, 4 s...: at most three more in three seconds (today: thousands)
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                .until(() -> alvaria.deliveries("e-1") <= first + 3);
        assertThat(alvaria.acknowledgements()).isEmpty();
    }

    @Test
    void aPollFailureReachesTheRoutesErrorHandlerWithBridgeErrorHandler() throws Exception {
        alvaria.answerPoll(new MockResponse.Builder().code(503).build());
        MockEndpoint failures = getMockEndpoint("mock:failures");
        failures.expectedMinimumMessageCount(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(Exception.class).handled(true).to("mock:failures");
                from("alvaria-messaging:events?bridgeErrorHandler=true").routeId("events").to("mock:events");
            }
        });

        failures.assertIsSatisfied(10_000);
        assertThat(failures.getExchanges().get(0).getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))
                .isInstanceOf(AlvariaRetryableException.class).hasMessageContaining("503");
    }

    @Test
    void anEventIsAcknowledgedOnlyWhenEveryConsumerOfItsTypeSucceeded() throws Exception {
        MockEndpoint ended = getMockEndpoint("mock:ended");
        ended.expectedMessageCount(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("alvaria-messaging:events?requireAcknowledgement=true&eventTypes=customerMessage")
                        .routeId("customer-messages")
                        .throwException(new IllegalStateException("this route cannot take customer messages"));
                from("alvaria-messaging:events?requireAcknowledgement=true&eventTypes=interactionEnded")
                        .routeId("ended").to("mock:ended");
            }
        });

        alvaria.answerPoll(MockAlvaria.json(200, "{\"events\":[" + CUSTOMER_MESSAGE + "," + ENDED + "]}"));

        ended.assertIsSatisfied(10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> !alvaria.acknowledgements().isEmpty());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).untilAsserted(
                () -> assertThat(alvaria.acknowledgements()).extracting(r -> r.getBody().utf8())
                        .noneMatch(body -> body.contains("e-1")).anyMatch(body -> body.contains("e-2")));
        assertThat(alvaria.sessionRequests()).filteredOn(r -> r.getMethod().equals("POST")).hasSize(1);
    }

    @Test
    void aSlowRouteHoldsBackOnlyItsOwnSessionNeverAnotherSessionsKeepAlivePolls() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("alvaria-messaging:events?inactivityDelay=121").routeId("slow").process(exchange -> {
                    entered.countDown();
                    release.await(20, TimeUnit.SECONDS);
                });
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> polls("managed-1") >= 1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("alvaria-messaging:events?inactivityDelay=122").routeId("other").to("mock:other");
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> polls("managed-2") >= 1);
        try {
            alvaria.answerPollOf("managed-1", MockAlvaria.json(200, "{\"events\":[" + CUSTOMER_MESSAGE + "]}"));
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            long slowPolls = polls("managed-1");
            long otherPolls = polls("managed-2");

            await().atMost(Duration.ofSeconds(5)).until(() -> polls("managed-2") >= otherPolls + 3);
            assertThat(polls("managed-1")).as("polls of the slow route's session while it works").isEqualTo(slowPolls);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aSlowRouteStillHasItsSessionKeptAliveAndGetsNoEventTwice() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger entries = new AtomicInteger();
        alvaria.deliverUntilAcknowledged("e-1", CUSTOMER_MESSAGE);
        // inactivityDelay 3 s: while a batch is out, a keep-alive poll goes out at least every second
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("alvaria-messaging:events?requireAcknowledgement=true&inactivityDelay=3").routeId("slow")
                        .process(exchange -> {
                            entries.incrementAndGet();
                            release.await(20, TimeUnit.SECONDS);
                        });
            }
        });
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> entries.get() == 1);
            long polls = polls("managed-1");

            await().atMost(Duration.ofSeconds(6)).until(() -> polls("managed-1") >= polls + 2);
            assertThat(alvaria.deliveries("e-1")).as("the server delivered it again").isGreaterThan(1);
            assertThat(entries).as("route runs for e-1 while it is out").hasValue(1);
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !alvaria.acknowledgements().isEmpty());
        assertThat(alvaria.acknowledgements().get(0).getBody().utf8()).isEqualTo("{\"eventIds\":[\"e-1\"]}");
    }

    private long polls(String sessionId) {
        return alvaria.pollRequests().stream()
                .filter(poll -> sessionId.equals(poll.getHeaders().get("via-client-sessionid"))).count();
    }

    /** A route from the events endpoint; {@code failCustomerMessages} makes the route fail on those. */
    private MockEndpoint route(String uri, boolean failCustomerMessages) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("events")
                        .filter(header(AlvariaMessagingConstants.EVENT_TYPE).isEqualTo("customerMessage"))
                            .process(exchange -> {
                                if (failCustomerMessages) {
                                    throw new IllegalStateException("this route cannot take customer messages");
                                }
                            })
                        .end()
                        .to("mock:events");
            }
        });
        return getMockEndpoint("mock:events");
    }
}
