package example;

import java.time.Duration;

import io.github.camelalvaria.messaging.simulator.AcceptedMessage;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The Spring Boot app starts, configured by application.properties alone, and delivers to the simulator. */
class NotifyApplicationTest {

    @Test
    void theApplicationPropertiesConfigureTheComponent() {
        try (AlvariaSimulator simulator = AlvariaSimulator.start(SimulatorSettings.DEMO)) {
            System.setProperty("simulator.url", simulator.baseUrl());
            try (ConfigurableApplicationContext spring = SpringApplication.run(NotifyApplication.class)) {
                CamelContext camel = spring.getBean(CamelContext.class);
                camel.createProducerTemplate().sendBody("direct:notify-customer", "Your order has shipped");

                await().atMost(Duration.ofSeconds(30)).until(() -> !simulator.accepted("4321").isEmpty());
                AcceptedMessage message = simulator.accepted("4321").get(0);
                assertEquals("Your order has shipped", message.text());
                assertEquals("Spring Bot", message.entityName());
                assertEquals("System", message.entityType());
            }
        }
        assertNotNull(getClass().getResource("/META-INF/spring-configuration-metadata.json"));
    }
}
