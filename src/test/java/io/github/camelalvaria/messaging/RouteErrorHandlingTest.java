package io.github.camelalvaria.messaging;

import java.time.Duration;
import java.util.List;

import mockwebserver3.MockResponse;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The two exception types drive Camel's own redelivery and dead-letter channel, with no glue code. */
class RouteErrorHandlingTest extends AlvariaTestSupport {

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                onException(AlvariaRetryableException.class)
                        .maximumRedeliveries(3).redeliveryDelay(10)
                        .handled(true).to("mock:dead");
                onException(AlvariaPermanentException.class)
                        .handled(true).to("mock:dead");

                from("direct:chat").routeId("chat")
                        .to("alvaria-messaging:sendText?interactionId=4321")
                        .to("mock:delivered");
            }
        };
    }

    @Test
    void aPassingFaultIsRedeliveredUntilItGoesThrough() throws Exception {
        alvaria.answerApi(new MockResponse.Builder().code(503).build(), new MockResponse.Builder().code(429).build());
        MockEndpoint delivered = getMockEndpoint("mock:delivered");
        delivered.expectedBodiesReceived("hello");
        getMockEndpoint("mock:dead").expectedMessageCount(0);

        template.sendBody("direct:chat", "hello");

        MockEndpoint.assertIsSatisfied(context);
        assertThat(alvaria.apiRequests()).hasSize(3);
        assertThat(delivered.getExchanges().get(0).getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
    }

    @Test
    void aPermanentFailureGoesToTheDeadLetterChannelAtOnce() throws Exception {
        alvaria.answerApi(MockAlvaria.json(422, "{\"code\":422,\"message\":\"entityType is invalid\"}"));
        MockEndpoint dead = getMockEndpoint("mock:dead");
        dead.expectedBodiesReceived("hello");
        getMockEndpoint("mock:delivered").expectedMessageCount(0);

        template.sendBody("direct:chat", "hello");

        MockEndpoint.assertIsSatisfied(context);
        assertThat(alvaria.apiRequests()).hasSize(1);
        Exception cause = dead.getExchanges().get(0).getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        assertThat(cause).isInstanceOf(AlvariaPermanentException.class).hasMessageContaining("entityType is invalid");
    }

    @Test
    void invalidInputIsDeadLetteredWithoutAnyRequest() throws Exception {
        getMockEndpoint("mock:dead").expectedMessageCount(1);

        template.sendBody("direct:chat", "   ");

        MockEndpoint.assertIsSatisfied(context);
        assertThat(alvaria.apiRequests()).isEmpty();
        assertThat(getMockEndpoint("mock:dead").getExchanges().get(0)
                           .getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))
                .isInstanceOf(AlvariaValidationException.class);
        assertThat(getMockEndpoint("mock:dead").getExchanges().get(0)
                           .getProperty(AlvariaMessagingConstants.ATTEMPTS_PROPERTY)).isNull();
    }

    @Test
    void aFaultThatOutlastsTheRedeliveriesIsDeadLetteredAfterThem() throws Exception {
        alvaria.answerApi(List.of(1, 2, 3, 4).stream().map(i -> new MockResponse.Builder().code(500).build())
                                  .toArray(MockResponse[]::new));
        getMockEndpoint("mock:dead").expectedMessageCount(1);

        template.sendBody("direct:chat", "hello");

        MockEndpoint.assertIsSatisfied(context);
        assertThat(alvaria.apiRequests()).hasSize(4);
        assertThat(getMockEndpoint("mock:dead").getExchanges().get(0)
                           .getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))
                .isInstanceOf(AlvariaRetryableException.class);
        assertThat(getMockEndpoint("mock:dead").getExchanges().get(0)
                           .getProperty(AlvariaMessagingConstants.ATTEMPTS_PROPERTY)).isEqualTo(4);
    }

    @Test
    void theRedeliveryWaitsAsLongAsRetryAfterAsks() throws Exception {
        alvaria.answerApi(new MockResponse.Builder().code(429).setHeader("Retry-After", "1").build());
        getMockEndpoint("mock:delivered").expectedMessageCount(1);

        template.sendBody("direct:chat", "hello");

        MockEndpoint.assertIsSatisfied(context);
        // the route's own redeliveryDelay is 10 ms: a gap near one second can only come from Retry-After
        Duration gap = Duration.between(receivedAt(0), receivedAt(1));
        assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    private java.time.Instant receivedAt(int index) {
        return alvaria.receivedAt().get(index);
    }
}
