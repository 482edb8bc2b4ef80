package io.github.camelalvaria.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.camelalvaria.messaging.client.StreamingSession;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.SessionRecord;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.StateRepository;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.io.CloseMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The events consumer's session handed over through {@code sessionStateRepository}, against the simulator: two
 * CamelContexts, one after the other, share a state repository as two instances of a cluster would. The first one's
 * session is adopted by the second one, which receives what the first had received and never acknowledged and what
 * was queued while nobody polled; a stored session the server no longer has is replaced and the new one stored; a
 * previous owner's poll that the server still holds delays the takeover only until the server ends it.
 */
class SessionHandoverTest {

    private static final String INTERACTION = "4321";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final StateRepository<String, String> sessionState = new MemoryStateRepository();
    private final List<CamelContext> contexts = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private AlvariaSimulator simulator;

    @AfterEach
    void stop() {
        release.countDown();
        contexts.forEach(CamelContext::stop);
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void theNextOwnerGetsWhatThePreviousOneNeverAcknowledgedAndWhatWasQueuedMeanwhile() throws Exception {
        simulator = AlvariaSimulator.start(SimulatorSettings.DEMO.withEventsWaitMillis(300));
        CountDownLatch held = new CountDownLatch(1);
        CamelContext first = context("first", exchange -> {
            // the route never finishes this event: the batch is never acknowledged
            held.countDown();
            release.await();
            throw new IllegalStateException("released when the test ends");
        });
        first.start();
        String session = await().atMost(PATIENCE).until(() -> onlySessionId(), id -> id != null);
        simulator.injectCustomerMessage(INTERACTION, "received, never acknowledged");
        assertThat(held.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the first route holds the event").isTrue();
        simulator.injectCustomerMessage(INTERACTION, "queued while the first context holds its batch");
        first.stop();
        simulator.injectCustomerMessage(INTERACTION, "written while nobody polls");

        List<String> received = new CopyOnWriteArrayList<>();
        CamelContext second = context("second", exchange -> received.add(text(exchange.getMessage().getBody(Map.class))));
        second.start();

        await().atMost(PATIENCE).until(() -> received.size() >= 3);
        assertThat(received).containsExactly("received, never acknowledged",
                                             "queued while the first context holds its batch",
                                             "written while nobody polls");
        assertThat(simulator.sessionsCreated()).as("sessions created").isEqualTo(1);
        assertThat(onlySessionId()).as("the session polled").isEqualTo(session);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(simulator.session(session).orElseThrow().pendingEvents())
                .as("events not yet acknowledged").isZero());
    }

    @Test
    void aStoppedConsumerWithARepositoryLeavesItsSessionOnTheServer() throws Exception {
        simulator = AlvariaSimulator.start(SimulatorSettings.DEMO.withEventsWaitMillis(300));
        CamelContext first = context("first", exchange -> {
        });
        first.start();
        String session = await().atMost(PATIENCE).until(() -> onlySessionId(), id -> id != null);

        first.stop();

        assertThat(simulator.session(session)).as("the session on the server").isPresent();
        assertThat(simulator.sessionsDeleted()).as("sessions deleted").isZero();
        assertThat(sessionState.getState(stateKey())).as("the stored id").isEqualTo(session);
    }

    @Test
    void aStoredSessionTheServerNoLongerHasIsReplacedAndTheNewOneStored() throws Exception {
        simulator = AlvariaSimulator.start(SimulatorSettings.DEMO.withEventsWaitMillis(300));
        CamelContext first = context("first", exchange -> {
        });
        first.start();
        String dropped = await().atMost(PATIENCE).until(() -> onlySessionId(), id -> id != null);
        first.stop();
        assertThat(simulator.dropSession(dropped)).as("the server drops the stored session").isTrue();

        List<String> received = new CopyOnWriteArrayList<>();
        CamelContext second = context("second", exchange -> received.add(text(exchange.getMessage().getBody(Map.class))));
        second.start();
        String replacement = await().atMost(PATIENCE).until(() -> onlySessionId(), id -> id != null);
        simulator.injectCustomerMessage(INTERACTION, "on the new session");

        await().atMost(PATIENCE).until(() -> received.contains("on the new session"));
        assertThat(replacement).isNotEqualTo(dropped);
        assertThat(sessionState.getState(stateKey())).as("the stored id").isEqualTo(replacement);
        assertThat(simulator.sessionsCreated()).as("sessions created: the first, then its replacement").isEqualTo(2);
    }

    /**
     * The previous owner dies while its long poll waits (its connection cut, as by {@code kill -9}); the server cannot
     * tell and holds that poll until its wait ends, so the next owner's polls are refused 409 meanwhile: it polls again
     * every second, instead of backing off to 2, 4, 8 and 16 s, and is answered about a second after the wait ends.
     */
    @Test
    void aPollThePreviousOwnerLeftWaitingDelaysTheTakeoverOnlyUntilTheServerEndsIt() throws Exception {
        Duration serverWait = Duration.ofSeconds(8);
        simulator = AlvariaSimulator.start(SimulatorSettings.DEMO.withEventsWaitMillis(serverWait.toMillis()));
        CloseableHttpAsyncClient firstConnections = HttpAsyncClients.createDefault();
        firstConnections.start();
        CamelContext first = context("first", exchange -> {
        });
        SimulatorTenant.configure(first, simulator).setHttpClient(firstConnections);
        first.start();
        String session = await().atMost(PATIENCE).until(() -> onlySessionId(), id -> id != null);
        await().atMost(PATIENCE).until(() -> simulator.session(session).orElseThrow().polling());
        Instant leftWaiting = simulator.session(session).orElseThrow().lastPollAt();
        first.stop();
        firstConnections.close(CloseMode.IMMEDIATE);
        assertThat(simulator.session(session).orElseThrow().polling()).as("the first owner's poll still waits").isTrue();

        List<String> received = new CopyOnWriteArrayList<>();
        CamelContext second = context("second", exchange -> received.add(text(exchange.getMessage().getBody(Map.class))));
        Instant handedOver = Instant.now();
        second.start();

        // the held poll ends at leftWaiting + serverWait; the next try comes at most a second later
        Duration bound = Duration.between(Instant.now(), leftWaiting.plus(serverWait)).plusSeconds(3);
        await().atMost(bound).until(() -> simulator.session(session).orElseThrow().lastPollAt().isAfter(leftWaiting));
        Instant firstAnswered = simulator.session(session).orElseThrow().lastPollAt();
        simulator.injectCustomerMessage(INTERACTION, "after the takeover");
        await().atMost(PATIENCE).until(() -> received.contains("after the takeover"));
        assertThat(simulator.sessionsCreated()).as("sessions created").isEqualTo(1);
        System.out.printf("SESSION HANDOVER: the previous owner's poll held by the server until %d ms after the"
                          + " handover; the next owner's first poll answered %d ms after it, %d polls refused 409%n",
                          Duration.between(handedOver, leftWaiting.plus(serverWait)).toMillis(),
                          Duration.between(handedOver, firstAnswered).toMillis(), simulator.concurrentPollViolations());
    }

    private CamelContext context(String name, Processor route) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName(name);
        context.getRegistry().bind("sessionState", sessionState);
        SimulatorTenant.configure(context, simulator).setEntityName("Handover Test");
        // a route that never finishes its event must not hold the stop for long
        context.getShutdownStrategy().setTimeout(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("alvaria-messaging:events?eventTypes=customerMessage&requireAcknowledgement=true"
                     + "&sessionStateRepository=#sessionState")
                        .routeId("events").process(route);
            }
        });
        contexts.add(context);
        return context;
    }

    /** The id of the one live session, or null while there is none. */
    private String onlySessionId() {
        List<SessionRecord> sessions = simulator.sessions();
        assertThat(sessions).as("live sessions").hasSizeLessThanOrEqualTo(1);
        return sessions.isEmpty() ? null : sessions.get(0).sessionId();
    }

    private String stateKey() {
        AlvariaMessagingConfiguration config = new AlvariaMessagingConfiguration();
        config.setOrgId(simulator.settings().orgId());
        config.setBaseUrl(simulator.baseUrl());
        return StreamingSession.stateKey(AlvariaMessagingEndpoint.organizationUrl(config),
                                         new StreamingSession.Settings(120, 5, true));
    }

    private static String text(Map<?, ?> event) {
        return (String) event.get("text");
    }
}
