package io.github.camelalvaria.messaging;

import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated metadata that Camel tooling, IDEs and camel-main read is complete. */
class CatalogTest {

    private static final String CATALOG = "/META-INF/io/github/camelalvaria/messaging/alvaria-messaging.json";

    @Test
    void theComponentIsFoundByItsSchemeAlone() throws Exception {
        try (InputStream in = getClass().getResourceAsStream(
                "/META-INF/services/org/apache/camel/component/alvaria-messaging");
             DefaultCamelContext context = new DefaultCamelContext()) {
            Properties service = new Properties();
            service.load(in);
            assertThat(service.getProperty("class")).isEqualTo(AlvariaMessagingComponent.class.getName());
            assertThat(context.getComponent("alvaria-messaging")).isInstanceOf(AlvariaMessagingComponent.class);
        }
    }

    @Test
    void everyOptionAndHeaderIsDocumentedAndEverySecretMarked() throws Exception {
        JsonNode catalog;
        try (InputStream in = getClass().getResourceAsStream(CATALOG)) {
            catalog = new ObjectMapper().readTree(in);
        }

        assertThat(catalog.path("component").path("producerOnly").asBoolean()).isFalse();
        assertThat(catalog.path("properties").path("operation").path("enum")).extracting(JsonNode::asText)
                .containsExactly("sendText", "sendUrl", "notification", "events");
        assertThat(catalog.path("component").path("async").asBoolean()).isTrue();
        for (String section : new String[] { "componentProperties", "properties", "headers" }) {
            catalog.path(section).properties().forEach(option -> assertThat(option.getValue().path("description")
                    .asText()).as("%s.%s description", section, option.getKey()).isNotBlank());
        }
        for (String section : new String[] { "componentProperties", "properties" }) {
            JsonNode options = catalog.path(section);
            for (String secret : new String[] { "apiKey", "accessToken", "clientSecret" }) {
                assertThat(options.path(secret).path("secret").asBoolean()).as("%s.%s secret", section, secret)
                        .isTrue();
                assertThat(options.path(secret).path("label").asText()).isEqualTo("security");
            }
            assertThat(options.path("orgId").path("required").asBoolean()).isTrue();
            assertThat(options.path("connectTimeout").path("type").asText()).isEqualTo("duration");
            assertThat(options.path("entityType").path("enum")).extracting(JsonNode::asText)
                    .containsExactly("Agent", "Monitor", "System");
        }
        assertThat(catalog.path("headers").properties()).extracting(Map.Entry::getKey).contains(
                "CamelAlvariaOperation", "CamelAlvariaUserId", "CamelAlvariaInteractionId", "CamelAlvariaEntityName",
                "CamelAlvariaEntityType", "CamelAlvariaSessionId", "CamelAlvariaState",
                "CamelAlvariaExpiresAfterSeconds");
    }
}
