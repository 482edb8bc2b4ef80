package io.github.camelalvaria.messaging.simulator;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static io.github.camelalvaria.messaging.simulator.SimulatorClient.messagingPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The simulator against the shared OpenAPI transcription of the reference: every answer is one the reference
 * documents for its status, what the simulator accepts the reference accepts, and what the simulator refuses on a
 * schema rule the reference refuses too, but for the few rules the simulator adds on purpose.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractTest {

    private static final String TEXT = "{\"interactionId\":\"4321\",\"entityName\":\"contactCenterAgent\","
            + "\"entityType\":\"Agent\",\"text\":\"Hi\"}";
    private static final String URL = "{\"interactionId\":\"4321\",\"entityName\":\"contactCenterAgent\","
            + "\"entityType\":\"Agent\",\"url\":\"https://www.alvaria.com\"}";
    private static final String NOTIFICATION = "{\"interactionId\":\"4321\",\"entityName\":\"contactCenterAgent\","
            + "\"entityType\":\"Agent\",\"state\":\"composing\",\"expiresAfterSeconds\":10}";

    /** The validator's default forbids unnamed body fields; OpenAPI allows them where the schema does not forbid. */
    private final OpenApiInteractionValidator reference = OpenApiInteractionValidator
            .createForSpecificationUrl(specification().toString())
            .withLevelResolver(LevelResolver.create()
                    .withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE).build())
            .build();
    private final AlvariaSimulator simulator = AlvariaSimulator.start(SimulatorSettings.DEMO);
    private final SimulatorClient client = new SimulatorClient(SimulatorClient.newHttpClient(), simulator);
    private final String token = client.token();

    @AfterAll
    void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.setFaults(Faults.NONE);
        simulator.clearRecord();
    }

    private static Path specification() {
        Path path = Path.of(System.getProperty("alvaria.openapi", "../shared/alvaria-messaging-v2.0.1.openapi.yaml"));
        assertThat(path).as("the shared OpenAPI file").exists();
        return path.toAbsolutePath();
    }

    Stream<Arguments> acceptedCalls() {
        return Stream.of(
                arguments("sendText", TEXT),
                arguments("sendUrl", URL),
                arguments("notification", NOTIFICATION),
                arguments("notification", NOTIFICATION.replace(",\"expiresAfterSeconds\":10", "")),
                arguments("sendText", TEXT.replace("}", ",\"unnamed\":1}")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("acceptedCalls")
    void whatTheSimulatorAcceptsTheReferenceAccepts(String operation, String body) {
        Map<String, String> headers = client.headers(token);

        HttpResponse<String> response = client.post(messagingPath("agent-1", operation), headers, body);

        assertThat(response.statusCode()).isEqualTo(202);
        assertNoProblems(reference.validateRequest(request(operation, headers, body)));
        assertDocumented(operation, response);
    }

    Stream<Arguments> refusedCalls() {
        return Stream.of(
                arguments("sendText", TEXT.replace("\"interactionId\":\"4321\",", ""), null, 400),
                arguments("sendText", TEXT.replace("\"Hi\"", "42"), null, 400),
                arguments("sendUrl", URL.replace(",\"url\":\"https://www.alvaria.com\"", ""), null, 400),
                arguments("sendText", "{\"interactionId\":", null, 400),
                arguments("sendText", TEXT, "via-client-sessionid", 400),
                arguments("sendText", TEXT, "x-api-key", 401),
                arguments("notification", NOTIFICATION.replace("\"composing\"", "\"Composing\""), null, 422),
                arguments("notification", NOTIFICATION.replace("\"Agent\"", "\"agent\""), null, 422),
                arguments("notification", NOTIFICATION.replace("10}", "31}"), null, 422),
                arguments("notification", NOTIFICATION.replace("10}", "\"ten\"}"), null, 400));
    }

    @ParameterizedTest(name = "{0} {1} without {2} -> {3}")
    @MethodSource("refusedCalls")
    void whatTheSimulatorRefusesOnASchemaRuleTheReferenceRefuses(String operation, String body, String missingHeader,
            int status) {
        Map<String, String> headers = client.headers(token);
        if (missingHeader != null) {
            headers.remove(missingHeader);
        }

        HttpResponse<String> response = client.post(messagingPath("agent-1", operation), headers, body);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(reference.validateRequest(request(operation, headers, body)).hasErrors()).isTrue();
        assertDocumented(operation, response);
    }

    Stream<Arguments> stricterThanTheReference() {
        return Stream.of(
                arguments("sendText", TEXT.replace("\"Hi\"", "\"  \""), 400),
                arguments("sendText", TEXT.replace("\"contactCenterAgent\"", "\"\""), 400),
                arguments("notification", NOTIFICATION.replace("10}", "0}"), 422),
                arguments("notification", NOTIFICATION.replace("10}", "-5}"), 422));
    }

    /** Blank required strings and an expiry under one second pass the reference's schema but mean nothing. */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("stricterThanTheReference")
    void theSimulatorAddsAFewRulesOnPurpose(String operation, String body, int status) {
        Map<String, String> headers = client.headers(token);

        HttpResponse<String> response = client.post(messagingPath("agent-1", operation), headers, body);

        assertThat(response.statusCode()).isEqualTo(status);
        assertNoProblems(reference.validateRequest(request(operation, headers, body)));
        assertDocumented(operation, response);
    }

    @Test
    void everyOtherAnswerIsDocumentedForItsStatus() throws Exception {
        Map<String, String> headers = client.headers(token);
        assertDocumented("sendText", client.post(messagingPath("agent-9", "sendText"), headers, TEXT));
        assertDocumented("sendText", client.post(messagingPath("agent-1", "sendText"), headers,
                TEXT.replace("4321", "9999")));
        assertDocumented("sendText", client.post(messagingPath("agent-1", "sendText"),
                client.headers("unknown-token"), TEXT));
        assertDocumented("sendText", client.sendRaw(client.request("GET", messagingPath("agent-1", "sendText"),
                headers, null)));
        simulator.endInteraction("4322");
        assertDocumented("sendText", client.post(messagingPath("agent-1", "sendText"), headers,
                TEXT.replace("4321", "4322")));
        for (Faults fault : new Faults[] {Faults.NONE.withTooManyRequests(1, 2), Faults.NONE.withServerErrors(1),
                Faults.NONE.withUnavailable(1, 2)}) {
            simulator.setFaults(fault);
            assertDocumented("sendText", client.post(messagingPath("agent-1", "sendText"), headers, TEXT));
        }
        assertThat(simulator.record().refused()).containsOnlyKeys(401, 404, 405, 410, 429, 500, 503);
    }

    private void assertDocumented(String operation, HttpResponse<String> response) {
        SimpleResponse.Builder answer = SimpleResponse.Builder.status(response.statusCode());
        response.headers().firstValue("Content-Type").ifPresent(answer::withContentType);
        if (!response.body().isEmpty()) {
            answer.withBody(response.body());
        }
        assertNoProblems(reference.validateResponse(messagingPath("agent-1", operation), Request.Method.POST,
                answer.build()));
    }

    private static SimpleRequest request(String operation, Map<String, String> headers, String body) {
        SimpleRequest.Builder request = SimpleRequest.Builder.post(messagingPath("agent-1", operation)).withBody(body);
        headers.forEach(request::withHeader);
        return request.build();
    }

    private static void assertNoProblems(ValidationReport report) {
        assertThat(report.getMessages()).as(report.toString()).isEmpty();
    }
}
