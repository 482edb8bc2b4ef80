package io.github.camelalvaria.messaging;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.UriParam;
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

    @Test
    void everyOptionAndHeaderHasAGroupAJavaTypeAndItsDefaultAndEverySecretIsMarked() throws Exception {
        JsonNode catalog = catalog();
        for (String section : new String[] { "componentProperties", "properties", "headers" }) {
            catalog.path(section).properties().forEach(option -> {
                assertThat(option.getValue().path("group").asText()).as("%s.%s group", section, option.getKey())
                        .isNotBlank();
                assertThat(option.getValue().path("javaType").asText()).as("%s.%s javaType", section, option.getKey())
                        .isNotBlank();
                // anything that names a credential must be masked by Camel wherever it prints the value
                if (option.getKey().toLowerCase(Locale.ROOT).matches(".*(secret|password|apikey|accesstoken).*")) {
                    assertThat(option.getValue().path("secret").asBoolean()).as("%s.%s secret", section,
                                                                                 option.getKey()).isTrue();
                }
            });
        }

        // each option's javaType and default are those of the configuration field behind it
        AlvariaMessagingConfiguration fresh = new AlvariaMessagingConfiguration();
        for (Field field : AlvariaMessagingConfiguration.class.getDeclaredFields()) {
            if (!field.isAnnotationPresent(UriParam.class)) {
                continue;
            }
            field.setAccessible(true);
            for (String section : new String[] { "componentProperties", "properties" }) {
                JsonNode option = catalog.path(section).path(field.getName());
                assertThat(option.isMissingNode()).as("%s.%s in the catalog", section, field.getName()).isFalse();
                // a generic type is listed with its arguments (StateRepository<java.lang.String, java.lang.String>)
                assertThat(option.path("javaType").asText().replaceFirst("<.*>$", ""))
                        .as("%s.%s javaType", section, field.getName()).isEqualTo(field.getType().getName());
                Object initial = field.get(fresh);
                if (initial == null || initial.equals(false) || initial.equals(0) || initial.equals(0L)) {
                    if (option.has("defaultValue")) {
                        assertThat(option.path("defaultValue").asText()).as("%s.%s default", section, field.getName())
                                .isEqualTo(String.valueOf(initial));
                    }
                } else {
                    assertThat(option.path("defaultValue").asText()).as("%s.%s default", section, field.getName())
                            .isEqualTo(String.valueOf(initial));
                }
            }
        }

        // every header constant is in the catalog with the type and values it carries
        JsonNode headers = catalog.path("headers");
        for (Field field : AlvariaMessagingConstants.class.getFields()) {
            String name = (String) field.get(null);
            if (!name.equals(AlvariaMessagingConstants.ATTEMPTS_PROPERTY)) {
                assertThat(headers.has(name)).as("header %s (%s) in the catalog", name, field.getName()).isTrue();
            }
        }
        assertThat(headers.path("CamelAlvariaExpiresAfterSeconds").path("javaType").asText()).isEqualTo("Integer");
        assertThat(headers.path("CamelHttpResponseCode").path("javaType").asText()).isEqualTo("int");
        assertThat(headers.path("CamelRedeliveryDelay").path("javaType").asText()).isEqualTo("long");
        assertThat(headers.path("CamelAlvariaOperation").path("enum")).extracting(JsonNode::asText)
                .containsExactly("sendText", "sendUrl", "notification");
        assertThat(headers.path("CamelAlvariaEntityType").path("enum")).extracting(JsonNode::asText)
                .containsExactly("Agent", "Monitor", "System");
        assertThat(headers.path("CamelAlvariaState").path("enum")).extracting(JsonNode::asText)
                .containsExactly("composing");
    }

    private JsonNode catalog() throws Exception {
        try (InputStream in = getClass().getResourceAsStream(CATALOG)) {
            return new ObjectMapper().readTree(in);
        }
    }
}
