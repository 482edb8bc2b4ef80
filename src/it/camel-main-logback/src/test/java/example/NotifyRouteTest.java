package example;

import java.time.Duration;

import io.github.camelalvaria.messaging.simulator.AcceptedMessage;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The user's YAML route, started by camel-main, delivers to the simulator from the -simulator artifact. */
class NotifyRouteTest {

    @Test
    void theYamlRouteDeliversToTheSimulator() throws Exception {
        try (AlvariaSimulator simulator = AlvariaSimulator.start(SimulatorSettings.DEMO)) {
            Main main = new Main();
            main.addOverrideProperty("camel.component.alvaria-messaging.base-url", simulator.baseUrl());
            main.addOverrideProperty("camel.component.alvaria-messaging.token-url", simulator.tokenUrl());
            main.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> !simulator.accepted("4321").isEmpty());
                AcceptedMessage message = simulator.accepted("4321").get(0);
                assertEquals("Your order has shipped", message.text());
                assertEquals("Order Bot", message.entityName());
            } finally {
                main.stop();
            }
        }
    }
}
