package io.github.camelalvaria.messaging;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mockwebserver3.MockResponse;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the producer completes an exchange: whatever fails while it does (a meter registry included), the exchange ends
 * failed or answered, never silently; and the attempts it reports are this message's, counted by Camel's redelivery.
 */
class ProducerCompletionTest extends AlvariaTestSupport {

    @RegisterExtension
    static final SecretWatch SECRETS = new SecretWatch().secret("api key", MockAlvaria.API_KEY)
            .secret("client secret", MockAlvaria.CLIENT_SECRET);

    private static final String URI = "alvaria-messaging:sendText?interactionId=4321";

    /** Once broken, no counter can be created: every count the producer reports throws. */
    private volatile boolean metricsBroken;
    private final MeterRegistry registry = new SimpleMeterRegistry() {
        @Override
        protected Counter newCounter(Meter.Id id) {
            if (metricsBroken) {
                throw new IllegalStateException("meter registry is broken");
            }
            return super.newCounter(id);
        }
    };

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind("metricsRegistry", registry);
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                onException(AlvariaRetryableException.class)
                        .maximumRedeliveries(2).redeliveryDelay(10).handled(true).to("mock:dead");
                onException(AlvariaPermanentException.class).handled(true).to("mock:dead");
                from("direct:typingThenText").routeId("typingThenText")
                        .to("alvaria-messaging:notification?interactionId=4321")
                        .to(URI)
                        .to("mock:delivered");
            }
        };
    }

    @Test
    void aFailureStillFailsTheExchangeWhenTheMetricsThrow() throws Exception {
        metricsBroken = true;
        alvaria.answerApi(MockAlvaria.json(503, "{\"code\":503,\"message\":\"busy\"}"));

        Exchange exchange = sendWithin(URI, "hello");

        assertThat(exchange.getException()).isInstanceOf(AlvariaRetryableException.class);
        assertThat(exchange.getException().getSuppressed()).isEmpty();
    }

    @Test
    void anAnswerAndInvalidInputStillCompleteWhenTheMetricsThrow() throws Exception {
        metricsBroken = true;

        Exchange answered = sendWithin(URI, "hello");
        Exchange invalid = sendWithin(URI, "  ");

        assertThat(answered.getException()).isNull();
        assertThat(answered.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
        assertThat(invalid.getException()).isInstanceOf(AlvariaValidationException.class);
    }

    @Test
    void aSendAfterAnotherSendOfTheSameExchangeIsItsFirstAttempt() throws Exception {
        alvaria.answerApi(new MockResponse.Builder().code(202).build(),
                          MockAlvaria.json(422, "{\"code\":422,\"message\":\"text is invalid\"}"));
        MockEndpoint dead = getMockEndpoint("mock:dead");
        dead.expectedMessageCount(1);

        template.sendBody("direct:typingThenText", "hello");

        MockEndpoint.assertIsSatisfied(context);
        assertThat(dead.getExchanges().get(0).getProperty(AlvariaMessagingConstants.ATTEMPTS_PROPERTY)).isEqualTo(1);
        assertThat(registry.find(MicrometerMessagingMetrics.RETRIES).counters()).isEmpty();
    }

    @Test
    void aSendAfterARedeliveredSendCountsOnlyItsOwnRedeliveries() throws Exception {
        // the notification fails once and is redelivered; then sendText fails for good on its first attempt
        alvaria.answerApi(new MockResponse.Builder().code(503).build(), new MockResponse.Builder().code(202).build(),
                          MockAlvaria.json(422, "{\"code\":422,\"message\":\"text is invalid\"}"));
        MockEndpoint dead = getMockEndpoint("mock:dead");
        dead.expectedMessageCount(1);

        template.sendBody("direct:typingThenText", "hello");

        MockEndpoint.assertIsSatisfied(context);
        assertThat(alvaria.apiRequests()).hasSize(3);
        assertThat(dead.getExchanges().get(0).getProperty(AlvariaMessagingConstants.ATTEMPTS_PROPERTY)).isEqualTo(1);
        assertThat(registry.get(MicrometerMessagingMetrics.RETRIES).tag("operation", "notification").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.find(MicrometerMessagingMetrics.RETRIES).tag("operation", "sendText").counters())
                .isEmpty();
    }

    @Test
    void aRedeliveredSendReportsItsAttempts() throws Exception {
        alvaria.answerApi(new MockResponse.Builder().code(202).build(),
                          new MockResponse.Builder().code(500).build(), new MockResponse.Builder().code(500).build(),
                          new MockResponse.Builder().code(500).build());
        MockEndpoint dead = getMockEndpoint("mock:dead");
        dead.expectedMessageCount(1);

        template.sendBody("direct:typingThenText", "hello");

        MockEndpoint.assertIsSatisfied(context, 10, TimeUnit.SECONDS);
        assertThat(dead.getExchanges().get(0).getProperty(AlvariaMessagingConstants.ATTEMPTS_PROPERTY)).isEqualTo(3);
        assertThat(registry.get(MicrometerMessagingMetrics.RETRIES).tag("operation", "sendText").counter().count())
                .isEqualTo(2.0);
    }

    /** A callback that is never completed would hang the caller: bounded, it fails the test instead. */
    private Exchange sendWithin(String uri, String body) throws Exception {
        return template.asyncSend(uri, e -> e.getMessage().setBody(body)).get(10, TimeUnit.SECONDS);
    }
}
