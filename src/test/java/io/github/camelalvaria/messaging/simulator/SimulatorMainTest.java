package io.github.camelalvaria.messaging.simulator;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The standalone simulator's arguments: {@code java -jar …-simulator.jar --port 8089 --org acme …}. */
class SimulatorMainTest {

    @Test
    void withoutArgumentsItIsTheDemoTenantOnPort8089() {
        SimulatorSettings settings = SimulatorMain.settings();

        assertThat(settings).isEqualTo(SimulatorSettings.DEMO.withPort(8089));
    }

    @Test
    void theArgumentsSetTheTenantAndReplaceTheDemoInteractions() {
        SimulatorSettings settings = SimulatorMain.settings("--port", "0", "--org", "acme", "--api-key", "k",
                "--client-id", "c", "--client-secret", "s", "--interaction", "77=agent-9", "--user", "agent-2",
                "--strict");

        assertThat(settings.port()).isZero();
        assertThat(settings.orgId()).isEqualTo("acme");
        assertThat(settings.apiKey()).isEqualTo("k");
        assertThat(settings.clientId()).isEqualTo("c");
        assertThat(settings.clientSecret()).isEqualTo("s");
        assertThat(settings.interactions()).isEqualTo(Map.of("77", "agent-9"));
        assertThat(settings.users()).isEqualTo(Set.of("agent-2"));
        assertThat(settings.strictSessions()).isTrue();
    }

    @Test
    void aStartedSimulatorServesTheTenantTheArgumentsName() {
        try (AlvariaSimulator simulator = AlvariaSimulator.start(
                SimulatorMain.settings("--port", "0", "--org", "acme", "--interaction", "77=agent-9"))) {
            assertThat(simulator.settings().orgId()).isEqualTo("acme");
            assertThat(simulator.interaction("77")).isPresent();
            assertThat(simulator.interaction("4321")).isEmpty();
        }
    }

    @Test
    void aBadArgumentIsNamed() {
        assertThatThrownBy(() -> SimulatorMain.settings("--bogus")).hasMessage("unknown option --bogus");
        assertThatThrownBy(() -> SimulatorMain.settings("--org")).hasMessage("--org needs a value");
        assertThatThrownBy(() -> SimulatorMain.settings("--port", "--org", "acme"))
                .hasMessage("--port needs a value");
        assertThatThrownBy(() -> SimulatorMain.settings("--port", "http")).hasMessage("--port takes a number, was http");
        assertThatThrownBy(() -> SimulatorMain.settings("--interaction", "77"))
                .hasMessage("--interaction takes ID=USER, was 77");
        assertThatThrownBy(() -> SimulatorMain.settings("--port", "70000"))
                .hasMessageContaining("port must be between 0 and 65535");
    }
}
