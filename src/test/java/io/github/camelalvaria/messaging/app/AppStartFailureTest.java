package io.github.camelalvaria.messaging.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An app whose start fails ends, with exit status 1 and the reason in its log, instead of hanging: by then its
 * configuration has started the embedded simulator and the management server's Vert.x, whose threads would keep the
 * JVM alive, and a supervisor (systemd, Kubernetes) would see a hung app rather than a failed one.
 */
class AppStartFailureTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path folder;

    private AlvariaSimulator tenant;
    private AppProcess app;

    @BeforeEach
    void startSimulator() {
        // AppProcess names a tenant in the environment; blanked below, so the app never calls it
        tenant = AlvariaSimulator.start(SimulatorSettings.DEMO);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (app != null) {
            app.close();
        }
        tenant.close();
    }

    @Test
    void aStartThatFailsAfterTheSimulatorAndTheManagementServerStartedEndsTheApp() throws Exception {
        app = AppProcess.start(folder.resolve("app.log"), tenant, "start-failure",
                               // blank: no real tenant, so the embedded simulator starts
                               Map.of("ALVARIA_ORG_ID", ""),
                               Map.of("alvaria.simulator.port", "0",
                                      "alvaria.management.enabled", "true",
                                      "camel.management.port", "0",
                                      "alvaria.file.inbox", folder.resolve("inbox").toString(),
                                      "alvaria.cluster.file.root", folder.resolve("cluster").toString(),
                                      "camel.component.alvaria-messaging.noSuchOption", "1"));

        assertThat(app.awaitExit(PATIENCE)).isEqualTo(AlvariaMessagingApplication.START_FAILED);
        assertThat(app.output()).contains("Embedded Alvaria simulator on http://127.0.0.1:")
                .contains("ERROR AlvariaMessagingApplication - The app did not start")
                .contains("noSuchOption");
    }
}
