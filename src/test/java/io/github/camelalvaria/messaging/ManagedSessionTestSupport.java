package io.github.camelalvaria.messaging;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AlvariaTestSupport} with no session id configured, so the component manages the streaming session. */
abstract class ManagedSessionTestSupport extends AlvariaTestSupport {

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getComponent("alvaria-messaging", AlvariaMessagingComponent.class).getConfiguration()
                .setSessionId(null);
        return context;
    }

    @AfterEach
    void neverTwoPollsAtOnce() {
        assertThat(alvaria.concurrentPolls()).isZero();
    }
}
