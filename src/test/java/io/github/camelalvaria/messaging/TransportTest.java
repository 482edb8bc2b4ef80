package io.github.camelalvaria.messaging;

import mockwebserver3.MockResponse;
import org.apache.camel.Exchange;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Proxy, redirects and user-supplied client: the transport options camel-http users know. */
class TransportTest extends AlvariaTestSupport {

    @Test
    void requestsAndTokenRequestsGoThroughTheConfiguredProxy() {
        // the hosts do not exist: only a proxy can deliver these requests
        Exchange exchange = send("alvaria-messaging:sendText?interactionId=4321&baseUrl=http://api.alvaria.invalid"
                                 + "&tokenUrl=http://id.alvaria.invalid/tokenservice/oauth2/access_token"
                                 + "&proxyHost=127.0.0.1&proxyPort=" + alvaria.port(), "via proxy");

        assertThat(exchange.getException()).isNull();
        assertThat(alvaria.tokenRequests().get(0).getTarget())
                .isEqualTo("http://id.alvaria.invalid/tokenservice/oauth2/access_token?realm=acme");
        assertThat(alvaria.apiRequests().get(0).getTarget())
                .isEqualTo("http://api.alvaria.invalid/via/v2/organizations/acme/messaging/users/agent-7/sendText");
    }

    /** Directly the component uses HttpClient's minimal client, through a proxy the full one: neither follows. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "directly", "through a proxy" })
    void aRedirectIsAnAnswerNotFollowed(String transport) {
        alvaria.answerApi(new MockResponse.Builder().code(307).setHeader("Location", "/elsewhere").build());
        String proxy = transport.equals("directly") ? "" : "&proxyHost=127.0.0.1&proxyPort=" + alvaria.port();

        Exchange exchange = send("alvaria-messaging:sendText?interactionId=4321" + proxy, "not twice");

        assertThat(exchange.getException()).isInstanceOfSatisfying(AlvariaPermanentException.class,
                failure -> assertThat(failure.getStatusCode()).isEqualTo(307));
        assertThat(alvaria.apiRequests()).hasSize(1);
    }

    @Test
    void aUserSuppliedClientIsUsedAndLeftRunning() throws Exception {
        try (CloseableHttpAsyncClient own = HttpAsyncClients.custom()
                .addRequestInterceptorFirst((request, entity, context) -> request.addHeader("X-Own-Client", "yes"))
                .build()) {
            own.start();
            context.getRegistry().bind("ownClient", own);

            send("alvaria-messaging:sendText?interactionId=4321&httpClient=#ownClient", "one");
            context.stop();

            assertThat(alvaria.apiRequests().get(0).getHeaders().get("X-Own-Client")).isEqualTo("yes");
            assertThat(own.getStatus()).hasToString("ACTIVE");
        }
    }

    @Test
    void endpointsWithTheSameTransportShareOneClient() {
        send("alvaria-messaging:sendText?interactionId=4321", "a");
        send("alvaria-messaging:notification?interactionId=4321", null);
        send("alvaria-messaging:sendUrl?interactionId=4321", "https://example.com");
        assertThat(component().httpClientCount()).isEqualTo(1);

        send("alvaria-messaging:sendText?interactionId=4321&connectTimeout=3s", "b");
        assertThat(component().httpClientCount()).isEqualTo(2);
        assertThat(alvaria.apiRequests()).hasSize(4);
    }
}
