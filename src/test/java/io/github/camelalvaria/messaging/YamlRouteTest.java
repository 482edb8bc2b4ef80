package io.github.camelalvaria.messaging;

import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoint as a YAML DSL user writes it. */
class YamlRouteTest extends AlvariaTestSupport {

    @BeforeEach
    void loadRoute() throws Exception {
        Resource route = ResourceHelper.resolveMandatoryResource(context, "classpath:routes/send-text.yaml");
        PluginHelper.getRoutesLoader(context).loadRoutes(route);
    }

    @Test
    void aYamlRouteSendsText() throws Exception {
        String answer = template.requestBody("direct:yaml-chat", "hello from YAML", String.class);

        assertThat(answer).isEqualTo("delivered 202");
        assertThat(alvaria.apiRequests().get(0).getBody().utf8()).contains("\"entityType\":\"Monitor\"",
                                                                           "\"text\":\"hello from YAML\"");
    }

    @Test
    void aYamlRouteCatchesThePermanentFailure() {
        alvaria.answerApi(MockAlvaria.json(404, "{\"code\":404,\"message\":\"interaction not found\"}"));

        String answer = template.requestBody("direct:yaml-chat", "hello", String.class);

        assertThat(answer).startsWith("dead-lettered: sendText failed: HTTP 404").contains("interaction not found");
    }
}
