package io.github.camelalvaria.messaging;

import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The watch the secret tests rely on finds what it must, and says where without repeating the secret. */
class SecretWatchTest {

    private static final Logger LOG = LoggerFactory.getLogger(SecretWatchTest.class);

    @Test
    void aSecretInADebugLineFailsTheWatchWithoutBeingShown() {
        SecretWatch watch = new SecretWatch().secret("client secret", "s3cr3t-value");
        watch.beforeAll(null);
        LOG.debug("configured with s3cr3t-value");

        assertThatThrownBy(() -> watch.afterAll(null)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("client secret in log line of " + SecretWatchTest.class.getName())
                .hasMessageNotContaining("s3cr3t-value");
    }

    @Test
    void anIssuedTokenIsFoundInAnyTextByItsPrefix() {
        SecretWatch watch = new SecretWatch();
        watch.beforeAll(null);
        LOG.debug("nothing secret here");
        watch.scan("a dead letter", "Authorization: Bearer " + AlvariaSimulator.TOKEN_PREFIX + "abc");

        assertThatThrownBy(() -> watch.afterAll(null)).hasMessageContaining("an access token in a dead letter");
    }

    @Test
    void aWatchThatCapturedNoDebugLineOfTheComponentFails() {
        SecretWatch watch = new SecretWatch();
        watch.beforeAll(null);

        assertThatThrownBy(() -> watch.afterAll(null)).hasMessageContaining("DEBUG lines of the component captured");
    }

    @Test
    void cleanTextPasses() {
        SecretWatch watch = new SecretWatch().secret("api key", "k3y");
        watch.beforeAll(null);
        LOG.debug("sendText interaction=4321");
        watch.scan("an exception", "HTTP 500 from POST http://127.0.0.1/x");

        assertThatCode(() -> watch.afterAll(null)).doesNotThrowAnyException();
    }
}
