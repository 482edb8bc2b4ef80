package io.github.camelalvaria.messaging;

import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.CamelContext;

/** Points a context's alvaria-messaging component at a simulator's tenant, as user agent-1. */
public final class SimulatorTenant {

    private SimulatorTenant() {
    }

    /** The component's defaults, set for the simulator; the caller adds what its test needs. */
    public static AlvariaMessagingConfiguration configure(CamelContext context, AlvariaSimulator simulator) {
        AlvariaMessagingConfiguration defaults
                = context.getComponent("alvaria-messaging", AlvariaMessagingComponent.class).getConfiguration();
        SimulatorSettings settings = simulator.settings();
        defaults.setOrgId(settings.orgId());
        defaults.setApiKey(settings.apiKey());
        defaults.setBaseUrl(simulator.baseUrl());
        defaults.setTokenUrl(simulator.tokenUrl());
        defaults.setClientId(settings.clientId());
        defaults.setClientSecret(settings.clientSecret());
        defaults.setUserId("agent-1");
        return defaults;
    }
}
