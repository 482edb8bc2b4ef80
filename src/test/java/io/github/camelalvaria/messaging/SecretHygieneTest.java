package io.github.camelalvaria.messaging;

import java.util.ArrayList;
import java.util.List;

import mockwebserver3.MockResponse;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** No api key, access token or client secret in any log line, exception message or endpoint URI. */
class SecretHygieneTest extends AlvariaTestSupport {

    private static final String ISSUED_TOKEN = "issued-t0ken-4f2a9";
    private static final String FIXED_TOKEN = "fixed-t0ken-88c1";

    private CapturedLogs logs;
    private final List<String> exposed = new ArrayList<>();

    @BeforeEach
    void captureLogs() {
        logs = new CapturedLogs();
    }

    @AfterEach
    void releaseLogs() {
        logs.close();
    }

    @Test
    void secretsAppearNowhereOnAnyPath() {
        // the renewal after the 401 gets the same token back, so every echo below is of the token actually sent
        alvaria.answerToken(alvaria.tokenResponse(ISSUED_TOKEN), alvaria.tokenResponse(ISSUED_TOKEN));
        // a server that echoes the request back in its error, the worst case for leaking
        alvaria.answerApi(
                MockAlvaria.json(400, "{\"message\":\"bad request with key " + MockAlvaria.API_KEY + " and Bearer "
                                      + ISSUED_TOKEN + "\"}"),
                new MockResponse.Builder().code(401).build(),
                new MockResponse.Builder().code(500).setHeader("X-Echo", MockAlvaria.API_KEY)
                        .body("Authorization: Bearer " + ISSUED_TOKEN).build(),
                new MockResponse.Builder().code(202).build());

        record(send("alvaria-messaging:sendText?interactionId=4321", "echo me"));
        record(send("alvaria-messaging:sendText?interactionId=4321", "renew me"));
        record(send("alvaria-messaging:sendText?interactionId=4321", "fail me"));
        record(send("alvaria-messaging:sendText?interactionId=4321&clientId=&clientSecret=&accessToken=" + FIXED_TOKEN,
                    "fixed"));
        alvaria.answerToken(MockAlvaria.json(401, "{\"error\":\"invalid_client " + MockAlvaria.CLIENT_SECRET + "\"}"));
        record(send("alvaria-messaging:sendUrl?interactionId=4321&clientId=other", "https://example.com"));
        record(send("alvaria-messaging:sendText?interactionId=4321", ""));
        for (Endpoint endpoint : context.getEndpoints()) {
            // getEndpointUri() is the raw URI by Camel's design; what Camel prints and logs is the sanitized form
            exposed.add(URISupport.sanitizeUri(endpoint.getEndpointUri()));
            exposed.add(endpoint.toString());
        }
        exposed.add(logs.text());

        assertThat(logs.text()).contains("sendText interaction=4321");
        assertThat(String.join("\n", exposed))
                .doesNotContain(MockAlvaria.API_KEY, MockAlvaria.CLIENT_SECRET, ISSUED_TOKEN, FIXED_TOKEN)
                .contains("xxxxxx");
    }

    private void record(Exchange exchange) {
        for (Throwable failure = exchange.getException(); failure != null; failure = failure.getCause()) {
            exposed.add(failure.toString());
            if (failure instanceof AlvariaMessagingException typed) {
                exposed.add(String.valueOf(typed.getResponseBody()));
                exposed.add(String.valueOf(typed.getResponseHeaders()));
                exposed.add(String.valueOf(typed.getErrorResponse()));
            }
        }
    }
}
