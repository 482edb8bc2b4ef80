package io.github.camelalvaria.messaging;

import java.time.Duration;
import java.util.Optional;

import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.Faults;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The component's readiness check and meters in a plain CamelContext, without camel-main or the app: any route that
 * uses the component gets them, as soon as camel-health is there and a MeterRegistry is bound.
 */
class ObservabilityTest {

    private AlvariaSimulator simulator;
    private CamelContext context;
    private final MeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception {
        simulator = AlvariaSimulator.start(SimulatorSettings.DEMO.withFaults(Faults.NONE.withTokenUnavailable(1.0)));
        context = new DefaultCamelContext();
        context.getRegistry().bind("metricsRegistry", registry);
        SimulatorSettings tenant = simulator.settings();
        AlvariaMessagingConfiguration configuration = new AlvariaMessagingConfiguration();
        configuration.setOrgId(tenant.orgId());
        configuration.setApiKey(tenant.apiKey());
        configuration.setClientId(tenant.clientId());
        configuration.setClientSecret(tenant.clientSecret());
        configuration.setBaseUrl(simulator.baseUrl());
        configuration.setTokenUrl(simulator.tokenUrl());
        configuration.setUserId("agent-1");
        configuration.setEntityName("Observed Bot");
        AlvariaMessagingComponent component = new AlvariaMessagingComponent();
        component.setConfiguration(configuration);
        context.addComponent("alvaria-messaging", component);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // the failure goes back to the caller, without the default handler's log
                errorHandler(noErrorHandler());
                from("direct:chat").to("alvaria-messaging:sendText?interactionId=4321");
            }
        });
        context.start();
    }

    @AfterEach
    void stop() throws Exception {
        context.close();
        simulator.close();
    }

    @Test
    void readinessFollowsTheTokenServiceAndLivenessIgnoresIt() {
        HealthCheck.Result down = readiness().orElseThrow();
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).hasValueSatisfying(message -> assertThat(message)
                .startsWith("access token of client demo-client of demo: accessToken failed: HTTP 503")
                .doesNotContain(simulator.settings().clientSecret()));
        assertThat(down.getDetails()).containsEntry("service.status.code", 503);
        assertThat(HealthCheckHelper.invokeLiveness(context)).extracting(result -> result.getCheck().getId())
                .doesNotContain("alvaria-messaging");

        simulator.setFaults(Faults.NONE);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> readiness().orElseThrow().getState() == HealthCheck.State.UP);
        assertThat(simulator.sessions()).as("no send asked for a session").isEmpty();
    }

    @Test
    void metersCountWhatTheRoutesSent() {
        simulator.setFaults(Faults.NONE);
        ProducerTemplate producer = context.createProducerTemplate();

        producer.sendBody("direct:chat", "hello");
        producer.sendBody("direct:chat", "again");
        assertThatThrownBy(() -> producer.sendBodyAndHeader("direct:chat", "nobody",
                                                            AlvariaMessagingConstants.INTERACTION_ID, "9999"))
                .hasCauseInstanceOf(AlvariaPermanentException.class);

        assertThat(registry.get("alvaria.messaging.messages").tags("operation", "sendText", "outcome", "success")
                           .counter().count()).isEqualTo(2);
        assertThat(registry.get("alvaria.messaging.messages").tags("operation", "sendText", "outcome", "permanent")
                           .counter().count()).isEqualTo(1);
        assertThat(registry.get("alvaria.messaging.failures").tags("operation", "sendText", "status", "404")
                           .counter().count()).isEqualTo(1);
        assertThat(registry.get("alvaria.messaging.request").tags("operation", "sendText", "outcome", "success")
                           .timer().count()).isEqualTo(2);
        assertThat(registry.get("alvaria.messaging.token.fetches").tags("outcome", "success")
                           .functionCounter().count()).isEqualTo(simulator.tokensIssued());
        assertThat(registry.get("alvaria.messaging.session.creations").functionCounter().count()).isEqualTo(1);
        assertThat(registry.find("alvaria.messaging.retries").counter()).isNull();
    }

    private Optional<HealthCheck.Result> readiness() {
        return HealthCheckHelper.invokeReadiness(context).stream()
                .filter(result -> result.getCheck().getId().equals("alvaria-messaging")).findFirst();
    }
}
