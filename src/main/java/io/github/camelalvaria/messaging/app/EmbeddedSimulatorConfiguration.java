package io.github.camelalvaria.messaging.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.RateLimit;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the embedded Alvaria simulator and points the component at it, unless {@code alvaria.simulator.enabled} is
 * false or the environment names a real tenant ({@code ALVARIA_ORG_ID}). camel-main runs this before it applies
 * {@code camel.component.*} properties, so the overrides set here win over application.properties. With the simulator
 * it copies the sample messages ({@code alvaria.samples.folder}) into the file bridge's inbox, before any route
 * starts: the bridge's first poll finds them.
 */
@Configuration
public class EmbeddedSimulatorConfiguration implements CamelConfiguration {

    static final String COMPONENT = "camel.component.alvaria-messaging.";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSimulatorConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        boolean enabled = Boolean.parseBoolean(properties.resolveProperty("alvaria.simulator.enabled").orElse("true"));
        String realTenant = System.getenv("ALVARIA_ORG_ID");
        if (!enabled || realTenant != null && !realTenant.isBlank()) {
            LOG.info("Embedded Alvaria simulator off: sending to the configured tenant");
            return;
        }
        int port = Integer.parseInt(properties.resolveProperty("alvaria.simulator.port").orElse("8089"));
        double requestsPerSecond = Double.parseDouble(
                properties.resolveProperty("alvaria.simulator.rate-limit.requests-per-second").orElse("0"));
        int burst = Integer.parseInt(properties.resolveProperty("alvaria.simulator.rate-limit.burst")
                .orElse(String.valueOf((int) Math.ceil(requestsPerSecond))));
        // strict: like the platform, the simulator only takes messages on a live streaming session
        AlvariaSimulator simulator = AlvariaSimulator.start(SimulatorSettings.DEMO.withPort(port).withStrictSessions(true)
                .withRateLimit(requestsPerSecond > 0 ? new RateLimit(requestsPerSecond, burst) : RateLimit.OFF));
        SimulatorSettings settings = simulator.settings();
        properties.addOverrideProperty(COMPONENT + "base-url", simulator.baseUrl());
        properties.addOverrideProperty(COMPONENT + "token-url", simulator.tokenUrl());
        properties.addOverrideProperty(COMPONENT + "org-id", settings.orgId());
        properties.addOverrideProperty(COMPONENT + "api-key", settings.apiKey());
        properties.addOverrideProperty(COMPONENT + "client-id", settings.clientId());
        properties.addOverrideProperty(COMPONENT + "client-secret", settings.clientSecret());
        context.getRegistry().bind("alvariaSimulator", simulator);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                simulator.close();
            }
        });
        LOG.info("Embedded Alvaria simulator on {}: conversations at {}/ (JSON at /simulator/interactions;"
                 + " set ALVARIA_ORG_ID and friends to send to a real tenant, see README)",
                 simulator.baseUrl(), simulator.baseUrl());
        // the sample messages are for the simulator's conversations, never for a real customer's
        if (Boolean.parseBoolean(properties.resolveProperty("alvaria.samples.enabled").orElse("false"))) {
            copySamples(Path.of(properties.resolveProperty("alvaria.samples.folder").orElseThrow()),
                        Path.of(properties.resolveProperty("alvaria.file.inbox").orElseThrow()));
        }
    }

    /** Each file of the folder into the inbox, under a hidden name first: the bridge never sees half a file. */
    private static void copySamples(Path folder, Path inbox) throws IOException {
        Files.createDirectories(inbox);
        List<Path> samples;
        try (Stream<Path> files = Files.list(folder)) {
            samples = files.filter(file -> Files.isRegularFile(file) && !file.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
        for (Path sample : samples) {
            Path part = inbox.resolve("." + sample.getFileName() + ".part");
            Files.copy(sample, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, inbox.resolve(sample.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                       StandardCopyOption.ATOMIC_MOVE);
        }
        LOG.info("Copied {} sample messages from {} into {}", samples.size(), folder, inbox);
    }
}
