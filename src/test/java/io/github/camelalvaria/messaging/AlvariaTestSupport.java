package io.github.camelalvaria.messaging;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;

/**
 * A Camel context whose {@code alvaria-messaging} component points at a {@link MockAlvaria} on loopback, with client
 * credentials and the coordinates every call needs as component defaults.
 */
abstract class AlvariaTestSupport extends CamelTestSupport {

    static final String SESSION = "session-1";
    static final String USER = "agent-7";

    final MockAlvaria alvaria;

    AlvariaTestSupport() {
        try {
            alvaria = new MockAlvaria();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stopServer() {
        alvaria.close();
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        AlvariaMessagingConfiguration defaults
                = context.getComponent("alvaria-messaging", AlvariaMessagingComponent.class).getConfiguration();
        defaults.setOrgId(MockAlvaria.ORG);
        defaults.setApiKey(MockAlvaria.API_KEY);
        defaults.setBaseUrl(alvaria.baseUrl());
        defaults.setTokenUrl(alvaria.tokenUrl());
        defaults.setClientId(MockAlvaria.CLIENT_ID);
        defaults.setClientSecret(MockAlvaria.CLIENT_SECRET);
        defaults.setUserId(USER);
        defaults.setSessionId(SESSION);
        defaults.setEntityName("Jane Agent");
        return context;
    }

    AlvariaMessagingComponent component() {
        return context.getComponent("alvaria-messaging", AlvariaMessagingComponent.class);
    }

    /** Sends and returns the exchange, failed or not. */
    Exchange send(String uri, Object body, Object... headerPairs) {
        return template.send(uri, exchange -> {
            exchange.getMessage().setBody(body);
            for (int i = 0; i < headerPairs.length; i += 2) {
                exchange.getMessage().setHeader((String) headerPairs[i], headerPairs[i + 1]);
            }
        });
    }
}
