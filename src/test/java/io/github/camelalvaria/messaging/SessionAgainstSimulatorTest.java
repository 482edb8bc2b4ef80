package io.github.camelalvaria.messaging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.camelalvaria.messaging.simulator.AcceptedMessage;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The managed session end to end, against the simulator with strict sessions and a 1 s inactivityDelay: sends keep
 * working for several inactivity periods, a dropped session is replaced, customer messages arrive in a route.
 */
class SessionAgainstSimulatorTest extends CamelTestSupport {

    private final AlvariaSimulator simulator = AlvariaSimulator.start(
            SimulatorSettings.DEMO.withStrictSessions(true).withEventsWaitMillis(300));

    @AfterEach
    void stopSimulator() {
        assertThat(simulator.concurrentPollViolations()).as("two polls at once on one session").isZero();
        simulator.close();
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        AlvariaMessagingConfiguration defaults = SimulatorTenant.configure(context, simulator);
        defaults.setEntityName("Session Test");
        defaults.setInactivityDelay(1);
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("alvaria-messaging:events?eventTypes=customerMessage&requireAcknowledgement=true")
                        .routeId("customer-messages")
                        .to("mock:customer");
            }
        };
    }

    @Test
    void sendsWorkForSeveralInactivityPeriodsOnOneSession() {
        AtomicInteger sent = new AtomicInteger();
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(400))
                .until(() -> {
                    Exchange exchange = template.send("alvaria-messaging:sendText?interactionId=4321",
                            e -> e.getMessage().setBody("keep-alive " + sent.incrementAndGet()));
                    return exchange.getException() == null;
                });

        assertThat(simulator.accepted("4321")).hasSize(sent.get());
        assertThat(simulator.accepted("4321")).extracting(AcceptedMessage::sessionId).doesNotContainNull()
                .containsOnly(simulator.accepted("4321").get(0).sessionId());
        assertThat(simulator.sessionsDropped()).isZero();
    }

    @Test
    void aSessionTheServerDroppedIsReplacedAndTheSendRetried() {
        template.sendBody("alvaria-messaging:sendText?interactionId=4321", "before");
        String first = simulator.accepted("4321").get(0).sessionId();
        simulator.dropSession(first);

        Exchange after = template.send("alvaria-messaging:sendText?interactionId=4321",
                                       e -> e.getMessage().setBody("after"));

        assertThat(after.getException()).isNull();
        assertThat(simulator.accepted("4321")).extracting(AcceptedMessage::text).containsExactly("before", "after");
        assertThat(simulator.accepted("4321").get(1).sessionId()).isNotEqualTo(first);
    }

    @Test
    void anInjectedCustomerMessageArrivesInTheRoute() throws Exception {
        MockEndpoint customer = getMockEndpoint("mock:customer");
        customer.expectedMessageCount(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !simulator.sessions().isEmpty());

        simulator.injectCustomerMessage("4321", "Hello, is anyone there?");

        customer.assertIsSatisfied(10_000);
        Exchange exchange = customer.getExchanges().get(0);
        assertThat(exchange.getMessage().getHeader(AlvariaMessagingConstants.INTERACTION_ID)).isEqualTo("4321");
        assertThat(exchange.getMessage().getBody(java.util.Map.class)).containsEntry("text", "Hello, is anyone there?");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(simulator.sessions())
                .allSatisfy(session -> assertThat(session.pendingEvents()).isZero()));
    }

    @Test
    void stoppingTheContextDeletesTheSessions() {
        template.sendBody("alvaria-messaging:sendText?interactionId=4321", "one");
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.sessions().size() == 2);

        context.stop();

        assertThat(simulator.sessions()).isEmpty();
        assertThat(simulator.sessionsDeleted()).isEqualTo(2);
    }
}
