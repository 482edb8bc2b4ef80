package io.github.camelalvaria.messaging;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's option and header tables are rendered from the generated catalog JSON, so they cannot drift: this test
 * fails when they differ, and {@code mvn verify -Dreadme.update=true} rewrites them.
 */
class ReadmeOptionTablesTest {

    private static final String BEGIN = "<!-- BEGIN generated from alvaria-messaging.json -->";
    private static final String END = "<!-- END generated from alvaria-messaging.json -->";

    @Test
    void readmeTablesMatchTheCatalog() throws Exception {
        Path readme = Path.of("docs/component.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertThat(begin).as("README has the %s marker", BEGIN).isNotNegative();
        assertThat(end).as("README has the %s marker", END).isGreaterThan(begin);

        String rendered = render();
        String current = text.substring(begin + BEGIN.length(), end);
        if (Boolean.getBoolean("readme.update") && !current.equals(rendered)) {
            Files.writeString(readme, text.substring(0, begin + BEGIN.length()) + rendered + text.substring(end),
                              StandardCharsets.UTF_8);
            current = rendered;
        }
        assertThat(current).as("README tables; run mvn verify -Dreadme.update=true to rewrite them")
                .isEqualTo(rendered);
    }

    private static String render() throws Exception {
        JsonNode catalog;
        try (InputStream in = ReadmeOptionTablesTest.class.getResourceAsStream(
                "/META-INF/io/github/camelalvaria/messaging/alvaria-messaging.json")) {
            catalog = new ObjectMapper().readTree(in);
        }
        StringBuilder out = new StringBuilder("\n");
        out.append("**Path parameter**\n\n");
        table(out, catalog.path("properties"), "path");
        out.append("\n**Endpoint and component options** (each also `camel.component.alvaria-messaging.<option>`)\n\n");
        table(out, catalog.path("properties"), "parameter");
        out.append("\n**Component-only options**\n\n");
        out.append("| Name | Type | Default | Description |\n|---|---|---|---|\n");
        for (Map.Entry<String, JsonNode> option : catalog.path("componentProperties").properties()) {
            if (!catalog.path("properties").has(option.getKey())) {
                row(out, option.getKey(), option.getValue());
            }
        }
        out.append("\n**Message headers**\n\n| Name | Type | Description |\n|---|---|---|\n");
        for (Map.Entry<String, JsonNode> header : catalog.path("headers").properties()) {
            out.append("| `").append(header.getKey()).append("` | ").append(header.getValue().path("javaType").asText())
                    .append(" | ").append(cell(header.getValue().path("description").asText())).append(" |\n");
        }
        return out.toString();
    }

    private static void table(StringBuilder out, JsonNode options, String kind) {
        out.append("| Name | Type | Default | Description |\n|---|---|---|---|\n");
        for (Map.Entry<String, JsonNode> option : options.properties()) {
            if (option.getValue().path("kind").asText().equals(kind)) {
                row(out, option.getKey(), option.getValue());
            }
        }
    }

    private static void row(StringBuilder out, String name, JsonNode option) {
        String flags = (option.path("required").asBoolean() ? " (required)" : "")
                       + (option.path("secret").asBoolean() ? " (secret)" : "");
        String type = option.path("type").asText();
        if (option.has("enum")) {
            StringBuilder values = new StringBuilder();
            option.path("enum").forEach(value -> values.append(values.isEmpty() ? "" : ", ").append(value.asText()));
            type += ": " + values;
        }
        out.append("| `").append(name).append('`').append(flags).append(" | ").append(type).append(" | ")
                .append(option.has("defaultValue") ? "`" + option.path("defaultValue").asText() + "`" : "")
                .append(" | ").append(cell(option.path("description").asText())).append(" |\n");
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
