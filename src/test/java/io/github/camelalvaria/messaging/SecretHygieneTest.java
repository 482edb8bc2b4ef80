package io.github.camelalvaria.messaging;

import java.util.ArrayList;
import java.util.List;

import mockwebserver3.MockResponse;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** No api key, access token or client secret in any log line, exception message or endpoint URI. */
class SecretHygieneTest extends AlvariaTestSupport {

    private static final String ISSUED_TOKEN = "issued-t0ken-4f2a9";
    private static final String FIXED_TOKEN = "fixed-t0ken-88c1";

    @RegisterExtension
    static final SecretWatch SECRETS = new SecretWatch().secret("api key", MockAlvaria.API_KEY)
            .secret("client secret", MockAlvaria.CLIENT_SECRET).secret("issued token", ISSUED_TOKEN)
            .secret("fixed token", FIXED_TOKEN);

    private final List<String> masked = new ArrayList<>();

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
        // getEndpointUri() is the raw URI by Camel's design; what Camel prints and logs is the sanitized form
        SECRETS.scanEndpoints(context);
        // the echoes reached the exception, masked: the watch would fail had they not been
        assertThat(masked).anyMatch(text -> text.contains("xxxxxx"));
    }

    private void record(Exchange exchange) {
        Exception failure = exchange.getException();
        if (failure != null) {
            SECRETS.scanException("exception of exchange " + exchange.getExchangeId(), failure);
            masked.add(String.valueOf(failure.getMessage()));
            if (failure instanceof AlvariaMessagingException typed) {
                SECRETS.scan("error response", typed.getErrorResponse());
                masked.add(typed.getResponseBody() + " " + typed.getResponseHeaders());
            }
        }
    }
}
