package io.github.camelalvaria.messaging.simulator;

import java.net.http.HttpClient;

import org.junit.jupiter.api.AfterEach;

/** A simulator per test, started by the test with the settings it needs, and a client for it. */
abstract class SimulatorTestSupport {

    static final HttpClient HTTP = SimulatorClient.newHttpClient();

    AlvariaSimulator simulator;
    SimulatorClient client;

    void start(SimulatorSettings settings) {
        simulator = AlvariaSimulator.start(settings);
        client = new SimulatorClient(HTTP, simulator);
    }

    @AfterEach
    void stopSimulator() {
        if (simulator != null) {
            simulator.close();
        }
    }
}
