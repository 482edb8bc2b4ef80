package io.github.camelalvaria.messaging;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.camelalvaria.messaging.simulator.AcceptedMessage;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The alvaria-messaging-sink Kamelet, loaded by camel-kamelet from the classpath, delivers to the simulator. */
class KameletSinkTest {

    private static final String KAMELET = "/kamelets/alvaria-messaging-sink.kamelet.yaml";

    @RegisterExtension
    static final SecretWatch SECRETS = new SecretWatch().secretsOf(SimulatorSettings.DEMO);

    private AlvariaSimulator simulator;
    private CamelContext context;

    @BeforeEach
    void start() {
        simulator = AlvariaSimulator.start(SimulatorSettings.DEMO);
        context = new DefaultCamelContext();
    }

    @AfterEach
    void stop() throws Exception {
        SECRETS.scanEndpoints(context);
        context.close();
        simulator.close();
    }

    @Test
    void aRouteSendsThroughTheKameletWithItsProperties() throws Exception {
        ProducerTemplate producer = startRoute(sink() + "&interactionId=4321&entityName=Kamelet Bot&entityType=System");

        producer.sendBody("direct:chat", "Hello from the Kamelet");
        producer.sendBody("direct:chat-url", "https://www.alvaria.com");

        assertThat(simulator.accepted("4321")).extracting(AcceptedMessage::text, AcceptedMessage::url,
                                                           AcceptedMessage::entityName, AcceptedMessage::entityType)
                .containsExactly(
                        tuple("Hello from the Kamelet", null, "Kamelet Bot", "System"),
                        tuple(null, "https://www.alvaria.com", "Kamelet Bot", "System"));
    }

    @Test
    void plainAndCloudEventHeadersNameTheInteractionAndTheSender() throws Exception {
        ProducerTemplate producer = startRoute(sink() + "&interactionId=4321&entityName=Default Bot");

        producer.sendBodyAndHeaders("direct:chat", "by CloudEvent headers",
                                    Map.of("ce-interactionid", "4322", "ce-entityname", "Event Bot",
                                           "ce-entitytype", "Agent"));
        producer.sendBodyAndHeaders("direct:chat", "plain wins",
                                    Map.of("interactionId", "4322", "ce-interactionid", "4321",
                                           "entityName", "Plain Bot"));
        producer.sendBody("direct:chat", "the properties");

        assertThat(simulator.accepted("4322")).extracting(AcceptedMessage::text, AcceptedMessage::entityName,
                                                           AcceptedMessage::entityType)
                .containsExactly(
                        tuple("by CloudEvent headers", "Event Bot", "Agent"),
                        tuple("plain wins", "Plain Bot", "Agent"));
        assertThat(simulator.accepted("4321")).extracting(AcceptedMessage::text, AcceptedMessage::entityName)
                .containsExactly(tuple("the properties", "Default Bot"));
    }

    @Test
    void aMissingRequiredPropertyIsNamedWhenTheRouteStarts() {
        SimulatorSettings tenant = simulator.settings();
        String withoutApiKey = "kamelet:alvaria-messaging-sink?orgId=demo&clientId=" + tenant.clientId()
                               + "&clientSecret=RAW(" + tenant.clientSecret() + ")&userId=agent-1&interactionId=4321"
                               + "&entityName=Bot&baseUrl=" + simulator.baseUrl() + "&tokenUrl=" + simulator.tokenUrl();

        assertThatThrownBy(() -> startRoute(withoutApiKey)).hasStackTraceContaining("alvaria-messaging-sink")
                .rootCause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mandatory parameters must be provided: apiKey");
        assertThat(simulator.record().acceptedCount()).isZero();
    }

    @Test
    void aMissingEntityNameIsNamedAsTheKameletsPropertyWhenTheRouteStarts() {
        // the API requires an entityName on every message: without one the route would start and fail every message
        assertThatThrownBy(() -> startRoute(sink() + "&interactionId=4321"))
                .hasStackTraceContaining("alvaria-messaging-sink")
                .rootCause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mandatory parameters must be provided: entityName");
        assertThat(simulator.record().acceptedCount()).isZero();
    }

    @Test
    void theKameletIsShippedInCamelsSinkStyle() throws Exception {
        JsonNode kamelet;
        try (InputStream in = getClass().getResourceAsStream(KAMELET)) {
            assertThat(in).as("%s on the classpath", KAMELET).isNotNull();
            kamelet = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        assertThat(kamelet.path("kind").asText()).isEqualTo("Kamelet");
        assertThat(kamelet.path("metadata").path("labels").path("camel.apache.org/kamelet.type").asText())
                .isEqualTo("sink");
        JsonNode definition = kamelet.path("spec").path("definition");
        assertThat(definition.path("required")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("orgId", "apiKey", "clientId", "clientSecret", "entityName");
        definition.path("properties").properties().forEach(property -> {
            assertThat(property.getValue().path("title").asText()).as("%s title", property.getKey()).isNotBlank();
            assertThat(property.getValue().path("description").asText()).as("%s description", property.getKey())
                    .isNotBlank();
        });
        for (String secret : List.of("apiKey", "clientSecret")) {
            JsonNode property = definition.path("properties").path(secret);
            assertThat(property.path("format").asText()).as(secret).isEqualTo("password");
            assertThat(property.path("x-descriptors")).extracting(JsonNode::asText)
                    .contains("urn:camel:group:credentials");
        }
        assertThat(kamelet.path("spec").path("dependencies")).extracting(JsonNode::asText)
                .contains("camel:kamelet").anyMatch(dependency -> dependency.matches(
                        "mvn:io\\.github\\.camelalvaria:camel-alvaria-messaging:\\d+\\.\\d+\\.\\d+.*"));
        assertThat(kamelet.path("spec").path("template").path("from").path("uri").asText())
                .isEqualTo("kamelet:source");
    }

    private String sink() {
        SimulatorSettings tenant = simulator.settings();
        return "kamelet:alvaria-messaging-sink?orgId=" + tenant.orgId() + "&apiKey=RAW(" + tenant.apiKey() + ")"
               + "&clientId=" + tenant.clientId() + "&clientSecret=RAW(" + tenant.clientSecret() + ")"
               + "&userId=agent-1&baseUrl=" + simulator.baseUrl() + "&tokenUrl=" + simulator.tokenUrl();
    }

    private ProducerTemplate startRoute(String sink) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:chat").to(sink);
                from("direct:chat-url").to(sink + "&operation=sendUrl");
            }
        });
        context.start();
        return context.createProducerTemplate();
    }
}
