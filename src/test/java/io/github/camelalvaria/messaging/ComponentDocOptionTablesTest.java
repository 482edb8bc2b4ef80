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
 * The option and header tables of the component's page in Camel's form ({@code src/main/docs/
 * alvaria-messaging-component.adoc}) are rendered from the generated catalog JSON, so they cannot drift: this test
 * fails when they differ, and {@code mvn verify -Dreadme.update=true} rewrites them. camel-package-maven-plugin's
 * update-readme goal runs here but writes no tables: between its markers it puts Antora includes
 * ({@code include::partial$component-configure-options.adoc[]}) that only Camel's own site renders from the JSON.
 */
class ComponentDocOptionTablesTest {

    private static final String BEGIN = "// BEGIN generated from alvaria-messaging.json";
    private static final String END = "// END generated from alvaria-messaging.json";
    private static final String OPTION_TABLE
            = "[width=\"100%\",cols=\"2,1,1,5\",options=\"header\"]\n|===\n| Name | Type | Default | Description\n";

    @Test
    void componentDocTablesMatchTheCatalog() throws Exception {
        Path page = Path.of("src/main/docs/alvaria-messaging-component.adoc");
        String text = Files.readString(page, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertThat(begin).as("the page has the %s marker", BEGIN).isNotNegative();
        assertThat(end).as("the page has the %s marker", END).isGreaterThan(begin);

        String rendered = render();
        String current = text.substring(begin + BEGIN.length(), end);
        if (Boolean.getBoolean("readme.update") && !current.equals(rendered)) {
            Files.writeString(page, text.substring(0, begin + BEGIN.length()) + rendered + text.substring(end),
                              StandardCharsets.UTF_8);
            current = rendered;
        }
        assertThat(current).as("the page's tables; run mvn verify -Dreadme.update=true to rewrite them")
                .isEqualTo(rendered);
    }

    private static String render() throws Exception {
        JsonNode catalog;
        try (InputStream in = ComponentDocOptionTablesTest.class.getResourceAsStream(
                "/META-INF/io/github/camelalvaria/messaging/alvaria-messaging.json")) {
            catalog = new ObjectMapper().readTree(in);
        }
        StringBuilder out = new StringBuilder("\n");
        out.append("=== Path parameter\n\n");
        table(out, catalog.path("properties"), "path");
        out.append("\n=== Endpoint and component options\n\nEach is also a component option,"
                   + " `camel.component.alvaria-messaging.<option>` (kebab case in Spring Boot).\n\n");
        table(out, catalog.path("properties"), "parameter");
        out.append("\n=== Component-only options\n\n").append(OPTION_TABLE);
        for (Map.Entry<String, JsonNode> option : catalog.path("componentProperties").properties()) {
            if (!catalog.path("properties").has(option.getKey())) {
                row(out, option.getKey(), option.getValue());
            }
        }
        out.append("|===\n\n=== Message headers\n\n[width=\"100%\",cols=\"2,1,5\",options=\"header\"]\n|===\n"
                   + "| Name | Type | Description\n");
        for (Map.Entry<String, JsonNode> header : catalog.path("headers").properties()) {
            out.append("| `").append(header.getKey()).append("` | ").append(header.getValue().path("javaType").asText())
                    .append(" | ").append(cell(header.getValue().path("description").asText())).append('\n');
        }
        return out.append("|===\n").toString();
    }

    private static void table(StringBuilder out, JsonNode options, String kind) {
        out.append(OPTION_TABLE);
        for (Map.Entry<String, JsonNode> option : options.properties()) {
            if (option.getValue().path("kind").asText().equals(kind)) {
                row(out, option.getKey(), option.getValue());
            }
        }
        out.append("|===\n");
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
                .append(option.has("defaultValue") ? "`" + cell(option.path("defaultValue").asText()) + "`" : "")
                .append(" | ").append(cell(option.path("description").asText())).append('\n');
    }

    /** A table cell's text: no cell separator, and no {attribute} reference for AsciiDoc to resolve. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("{", "\\{").replace("\n", " ");
    }
}
