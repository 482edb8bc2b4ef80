package io.github.camelalvaria.messaging.simulator;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsAndFaultsTest {

    @Test
    void theDemoSettingsHoldTheDemoValues() {
        SimulatorSettings demo = SimulatorSettings.DEMO;

        assertThat(demo.port()).isZero();
        assertThat(demo.orgId()).isEqualTo("demo");
        assertThat(demo.apiKey()).isEqualTo("demo-api-key");
        assertThat(demo.clientId()).isEqualTo("demo-client");
        assertThat(demo.clientSecret()).isEqualTo("demo-secret");
        assertThat(demo.tokenExpiresInSeconds()).isEqualTo(3599);
        assertThat(demo.users()).containsExactly("agent-1");
        assertThat(demo.interactions()).isEqualTo(Map.of("4321", "agent-1", "4322", "agent-1"));
        assertThat(demo.faults()).isEqualTo(Faults.NONE);
        assertThat(demo.workerThreads()).isGreaterThanOrEqualTo(4);
        assertThat(demo.eventsWaitMillis()).isEqualTo(20_000);
        assertThat(demo.strictSessions()).isFalse();
        assertThat(demo.maxRequestBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(demo.withMaxRequestBytes(2_000).maxRequestBytes()).isEqualTo(2_000);
        assertThatThrownBy(() -> demo.withMaxRequestBytes(0)).hasMessageContaining("maxRequestBytes");
    }

    @Test
    void withMethodsChangeOnlyWhatTheyName() {
        SimulatorSettings settings = SimulatorSettings.DEMO.withPort(18080).withClient("c", "s")
                .withInteraction("9", "agent-2").withUser("agent-3");

        assertThat(settings.port()).isEqualTo(18080);
        assertThat(settings.clientId()).isEqualTo("c");
        assertThat(settings.clientSecret()).isEqualTo("s");
        assertThat(settings.interactions()).containsEntry("9", "agent-2").containsEntry("4321", "agent-1");
        assertThat(settings.users()).containsExactlyInAnyOrder("agent-1", "agent-3");
        assertThat(settings.apiKey()).isEqualTo("demo-api-key");
        SimulatorSettings streaming = settings.withEventsWaitMillis(250).withStrictSessions(true);
        assertThat(streaming.eventsWaitMillis()).isEqualTo(250);
        assertThat(streaming.strictSessions()).isTrue();
        assertThat(streaming.withPort(0).eventsWaitMillis()).isEqualTo(250);
        assertThat(streaming.toString()).contains("eventsWaitMillis=250", "strictSessions=true");
        assertThat(SimulatorSettings.DEMO.withOnly(Set.of(), Map.of("1", "u")).interactions())
                .isEqualTo(Map.of("1", "u"));
    }

    @Test
    void settingsRefuseNonsense() {
        assertThatThrownBy(() -> SimulatorSettings.DEMO.withPort(70000)).hasMessageContaining("port");
        assertThatThrownBy(() -> SimulatorSettings.DEMO.withApiKey(" ")).hasMessageContaining("apiKey");
        assertThatThrownBy(() -> SimulatorSettings.DEMO.withTokenExpiresInSeconds(0))
                .hasMessageContaining("tokenExpiresInSeconds");
        assertThatThrownBy(() -> SimulatorSettings.DEMO.withInteraction("5", "")).hasMessageContaining("5");
        assertThatThrownBy(() -> SimulatorSettings.DEMO.withWorkerThreads(0)).hasMessageContaining("workerThreads");
        assertThatThrownBy(() -> SimulatorSettings.DEMO.withEventsWaitMillis(-1))
                .hasMessageContaining("eventsWaitMillis");
    }

    @Test
    void theSettingsNeverShowTheirSecrets() {
        String shown = SimulatorSettings.DEMO.withApiKey("key-xyz").withClient("client-1", "secret-xyz").toString();

        assertThat(shown).contains("client-1", "demo").doesNotContain("key-xyz", "secret-xyz");
    }

    @Test
    void faultsRefuseSharesOutOfRange() {
        assertThatThrownBy(() -> Faults.NONE.withServerErrors(-0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("serverErrorShare");
        assertThatThrownBy(() -> Faults.NONE.withLatencySpikes(1.1, 5)).hasMessageContaining("latencySpikeShare");
        assertThatThrownBy(() -> Faults.NONE.withServerErrors(0.5).withDroppedConnections(0.6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 1");
        assertThatThrownBy(() -> Faults.NONE.withLatency(-1)).hasMessageContaining("latencyMillis");
        assertThat(Faults.NONE.withServerErrors(0.5).withDroppedConnections(0.5).dropConnectionShare()).isEqualTo(0.5);
    }

    @Test
    void faultWithMethodsChangeOnlyWhatTheyName() {
        Faults faults = Faults.NONE.withTooManyRequests(0.1, 4).withUnavailable(0.2, 6).withLatencySpikes(0.3, 900)
                .withSeed(5L);

        assertThat(faults).isEqualTo(new Faults(0.1, 4, 0, 0.2, 6, 0, 0.3, 900, 0, 0, 0, 0, 5L));
    }
}
