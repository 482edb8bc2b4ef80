package io.github.camelalvaria.messaging;

import java.time.Duration;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
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
