package io.github.camelalvaria.messaging.app;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * One instance of the app as {@code mvn exec:java} runs it (camel-main, application.properties, the real YAML and
 * Java configuration) with only the queue bridge on, pointed at a test broker and simulator. Its session id is its
 * name, so the simulator's record tells which instance delivered a message.
 */
final class QueueBridgeInstance implements AutoCloseable {

    private final Main main = new Main();

    QueueBridgeInstance(String name, String brokerUrl, AlvariaSimulator simulator, Map<String, String> overrides) {
        SimulatorSettings tenant = simulator.settings();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("camel.main.name", name);
        properties.put("camel.main.routes-include-pattern", "file:routes/queue-to-chat.yaml");
        properties.put("camel.main.shutdown-timeout", "10");
        properties.put("alvaria.simulator.enabled", "false");
        properties.put("alvaria.file.enabled", "false");
        properties.put("alvaria.jms.enabled", "true");
        properties.put("alvaria.jms.broker-url", brokerUrl);
        properties.put("alvaria.redelivery.initial-delay", "10");
        properties.put("alvaria.redelivery.maximum-delay", "100");
        String component = EmbeddedSimulatorConfiguration.COMPONENT;
        properties.put(component + "base-url", simulator.baseUrl());
        properties.put(component + "token-url", simulator.tokenUrl());
        properties.put(component + "org-id", tenant.orgId());
        properties.put(component + "api-key", tenant.apiKey());
        properties.put(component + "client-id", tenant.clientId());
        properties.put(component + "client-secret", tenant.clientSecret());
        properties.put(component + "session-id", name);
        properties.putAll(overrides);
        // an override of null unsets the property: application.properties decides (session-id: manage one)
        properties.values().removeIf(java.util.Objects::isNull);
        main.setPropertyPlaceholderLocations(AlvariaMessagingApplication.PROPERTIES);
        main.setOverrideProperties(properties);
        main.start();
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    @Override
    public void close() {
        main.stop();
    }
}
