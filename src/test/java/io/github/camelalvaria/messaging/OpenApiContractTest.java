package io.github.camelalvaria.messaging;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds the requests the component really sends against the project's OpenAPI transcription of the reference, with an
 * independent validator (Atlassian swagger-request-validator).
 */
class OpenApiContractTest extends AlvariaTestSupport {

    private static final Path SPEC = Path.of(System.getProperty("alvaria.openapi",
                                                                "../shared/alvaria-messaging-v2.0.1.openapi.yaml"));

    private final OpenApiInteractionValidator validator
            = OpenApiInteractionValidator.createForSpecificationUrl(SPEC.toUri().toString()).build();

    @Test
    void everyOperationSendsARequestTheSpecificationAccepts() {
        assertThat(Files.exists(SPEC)).as("the OpenAPI file beside the checkout: %s", SPEC).isTrue();

        send("alvaria-messaging:sendText?interactionId=4321", "Hi this is an example of a text string.");
        send("alvaria-messaging:sendUrl?interactionId=4321&entityType=System", "https://www.alvaria.com");
        send("alvaria-messaging:notification?interactionId=4321&expiresAfterSeconds=30", null);
        send("alvaria-messaging:notification?interactionId=4321&entityType=Monitor", null);
        send("alvaria-messaging:sendText", Map.of("interactionId", "9", "text", "from a map", "entityName", "n"));

        assertThat(alvaria.apiRequests()).hasSize(5).allSatisfy(recorded -> {
            ValidationReport report = validator.validateRequest(asRequest(recorded));
            assertThat(report.getMessages()).as("%s %s", recorded.getTarget(), recorded.getBody().utf8()).isEmpty();
        });
    }

    @Test
    void theValidatorCatchesARequestThatBreaksTheSpecification() {
        send("alvaria-messaging:sendText?interactionId=4321", "hello");
        RecordedRequest recorded = alvaria.apiRequests().get(0);

        Request withoutSession = SimpleRequest.Builder.post(recorded.getTarget())
                .withContentType("application/json")
                .withHeader("Authorization", recorded.getHeaders().get("Authorization"))
                .withHeader("x-api-key", recorded.getHeaders().get("x-api-key"))
                .withBody(recorded.getBody().utf8().replace("\"Agent\"", "\"agent\""))
                .build();

        assertThat(validator.validateRequest(withoutSession).getMessages())
                .extracting(message -> message.getMessage())
                .anyMatch(message -> message.contains("via-client-sessionid"))
                .anyMatch(message -> message.contains("agent"));
    }

    private static Request asRequest(RecordedRequest recorded) {
        SimpleRequest.Builder builder = SimpleRequest.Builder.post(recorded.getTarget())
                .withBody(recorded.getBody().utf8());
        recorded.getHeaders().names().forEach(name -> builder.withHeader(name, recorded.getHeaders().values(name)));
        return builder.build();
    }
}
