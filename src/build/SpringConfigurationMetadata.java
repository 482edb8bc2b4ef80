import java.io.File;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Build step (pom.xml, process-classes): writes Spring Boot's {@code spring-configuration-metadata.json} for
 * {@code camel.component.alvaria-messaging.*} from the component's catalog JSON, so the IDE shows the descriptions,
 * types, defaults and enums the catalog has, in the kebab case Camel's starters use. Run as a single-file program:
 * {@code java -cp <jackson> SpringConfigurationMetadata.java <catalog.json> <metadata.json>}.
 */
public class SpringConfigurationMetadata {

    private static final String PREFIX = "camel.component.alvaria-messaging";
    private static final String COMPONENT = "io.github.camelalvaria.messaging.AlvariaMessagingComponent";
    private static final String AUTO_CONFIGURATION
            = "io.github.camelalvaria.messaging.springboot.AlvariaMessagingComponentAutoConfiguration";

    public static void main(String[] args) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        JsonNode catalog = mapper.readTree(new File(args[0]));
        ObjectNode metadata = mapper.createObjectNode();
        metadata.putArray("groups").addObject().put("name", PREFIX).put("type", COMPONENT)
                .put("sourceType", AUTO_CONFIGURATION);
        ArrayNode properties = metadata.putArray("properties");
        ArrayNode hints = metadata.putArray("hints");
        // the starters' two switches, which are Spring Boot's, not the component's
        properties.addObject().put("name", PREFIX + ".enabled").put("type", "java.lang.Boolean")
                .put("description", "Whether to enable auto configuration of the alvaria-messaging component."
                                    + " This is enabled by default.")
                .put("sourceType", AUTO_CONFIGURATION).put("defaultValue", true);
        properties.addObject().put("name", PREFIX + ".customizer.enabled").put("type", "java.lang.Boolean")
                .put("description", "Whether the options under " + PREFIX + " are applied to the component."
                                    + " This is enabled by default.")
                .put("sourceType", AUTO_CONFIGURATION);
        for (Map.Entry<String, JsonNode> option : catalog.path("componentProperties").properties()) {
            JsonNode spec = option.getValue();
            String name = PREFIX + "." + kebab(option.getKey());
            String javaType = spec.path("javaType").asText();
            ObjectNode property = properties.addObject().put("name", name).put("type", boxed(javaType))
                    .put("description", description(spec)).put("sourceType", COMPONENT);
            JsonNode defaultValue = spec.get("defaultValue");
            if (defaultValue != null) {
                switch (javaType) {
                    case "boolean", "java.lang.Boolean" -> property.put("defaultValue", defaultValue.asBoolean());
                    case "int", "long", "java.lang.Integer", "java.lang.Long" ->
                            property.put("defaultValue", defaultValue.asLong());
                    default -> property.put("defaultValue", defaultValue.asText());
                }
            }
            if (spec.path("deprecated").asBoolean()) {
                property.put("deprecated", true);
            }
            if (spec.has("enum")) {
                ArrayNode values = hints.addObject().put("name", name).putArray("values");
                spec.get("enum").forEach(value -> values.addObject().put("value", value.asText()));
            }
        }
        File out = new File(args[1]);
        out.getParentFile().mkdirs();
        mapper.writeValue(out, metadata);
    }

    /** As Camel's starters: the catalog's description, and for a bean option the type it takes. */
    private static String description(JsonNode spec) {
        String description = spec.path("description").asText();
        return spec.path("type").asText().equals("object")
                ? description + " The option is a " + spec.path("javaType").asText() + " type." : description;
    }

    private static String kebab(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static String boxed(String javaType) {
        return switch (javaType) {
            case "boolean" -> "java.lang.Boolean";
            case "int" -> "java.lang.Integer";
            case "long" -> "java.lang.Long";
            default -> javaType;
        };
    }
}
