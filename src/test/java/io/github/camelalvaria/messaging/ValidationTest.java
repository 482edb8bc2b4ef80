package io.github.camelalvaria.messaging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.github.camelalvaria.messaging.model.SendTextRequest;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Bad input fails with an AlvariaValidationException naming the field, and nothing reaches the server. */
class ValidationTest extends AlvariaTestSupport {

    private static final String TEXT = "alvaria-messaging:sendText?interactionId=4321";
    private static final String URL = "alvaria-messaging:sendUrl?interactionId=4321";
    private static final String NOTE = "alvaria-messaging:notification?interactionId=4321";

    static Stream<Arguments> badExchanges() {
        return Stream.of(
                arguments("no text", TEXT, null, Map.of(), "text"),
                arguments("blank text", TEXT, "  \n ", Map.of(), "text"),
                arguments("map without text", TEXT, Map.of("interactionId", "1"), Map.of(), "text"),
                arguments("text of the wrong type", TEXT, Map.of("text", List.of("a")), Map.of(), "text"),
                arguments("record without text", TEXT, new SendTextRequest("1", "n", "Agent", null), Map.of(), "text"),
                arguments("no url", URL, null, Map.of(), "url"),
                arguments("relative url", URL, "/help", Map.of(), "url"),
                arguments("non-http url", URL, "ftp://files.example.com/a", Map.of(), "url"),
                arguments("javascript url", URL, "javascript:alert(1)", Map.of(), "url"),
                arguments("not a url", URL, "http://exa mple.com", Map.of(), "url"),
                arguments("blank interaction header", "alvaria-messaging:sendText", "hi",
                          Map.of(AlvariaMessagingConstants.INTERACTION_ID, " "), "interactionId"),
                arguments("no interaction", "alvaria-messaging:sendText", "hi", Map.of(), "interactionId"),
                arguments("blank user", TEXT, "hi", Map.of(AlvariaMessagingConstants.USER_ID, ""), "userId"),
                arguments("blank entity name", TEXT, "hi", Map.of(AlvariaMessagingConstants.ENTITY_NAME, ""),
                          "entityName"),
                arguments("entity type off by case", TEXT, "hi", Map.of(AlvariaMessagingConstants.ENTITY_TYPE, "agent"),
                          "entityType"),
                arguments("unknown entity type", TEXT, Map.of("text", "hi", "entityType", "Customer"), Map.of(),
                          "entityType"),
                arguments("state off by case", NOTE, null, Map.of(AlvariaMessagingConstants.STATE, "Composing"),
                          "state"),
                arguments("unknown state", NOTE, null, Map.of(AlvariaMessagingConstants.STATE, "paused"), "state"),
                arguments("expiry 0", NOTE, null, Map.of(AlvariaMessagingConstants.EXPIRES_AFTER_SECONDS, 0),
                          "expiresAfterSeconds"),
                arguments("expiry -1", NOTE, null, Map.of(AlvariaMessagingConstants.EXPIRES_AFTER_SECONDS, -1),
                          "expiresAfterSeconds"),
                arguments("expiry 31", NOTE, null, Map.of(AlvariaMessagingConstants.EXPIRES_AFTER_SECONDS, 31),
                          "expiresAfterSeconds"),
                arguments("expiry ten", NOTE, null, Map.of(AlvariaMessagingConstants.EXPIRES_AFTER_SECONDS, "ten"),
                          "expiresAfterSeconds"),
                arguments("expiry 2.5", NOTE, Map.of("expiresAfterSeconds", 2.5), Map.of(), "expiresAfterSeconds"),
                arguments("unknown operation header", TEXT, "hi", Map.of(AlvariaMessagingConstants.OPERATION, "sendFax"),
                          AlvariaMessagingConstants.OPERATION),
                arguments("CR LF in session id", TEXT, "hi",
                          Map.of(AlvariaMessagingConstants.SESSION_ID, "s1\r\nX-Injected: yes"), "sessionId"),
                arguments("NUL in session id", TEXT, "hi", Map.of(AlvariaMessagingConstants.SESSION_ID, "s\u00001"),
                          "sessionId"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badExchanges")
    void badInputIsRefusedBeforeAnythingIsSent(
            String name, String uri, Object body, Map<String, Object> headers, String field) {
        Map<String, Object> headerMap = new HashMap<>(headers);
        Exception failure = template.send(uri, exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeaders(headerMap);
        }).getException();

        assertThat(failure).isInstanceOf(AlvariaValidationException.class)
                .isInstanceOf(AlvariaPermanentException.class)
                .hasMessageContaining(field).hasMessageContaining("nothing was sent");
        assertThat(((AlvariaValidationException) failure).getField()).isEqualTo(field);
        assertThat(alvaria.apiRequests()).isEmpty();
        assertThat(alvaria.tokenRequests()).isEmpty();
    }

    static Stream<Arguments> badEndpoints() {
        return Stream.of(
                arguments("alvaria-messaging:sendText?orgId=", "orgId"),
                arguments("alvaria-messaging:sendText?apiKey=", "apiKey"),
                arguments("alvaria-messaging:sendText?clientId=&clientSecret=", "accessToken"),
                arguments("alvaria-messaging:sendText?clientSecret=", "clientSecret"),
                arguments("alvaria-messaging:sendText?accessToken=abc", "accessToken"),
                arguments("alvaria-messaging:sendText?entityType=Bot", "entityType"),
                arguments("alvaria-messaging:notification?expiresAfterSeconds=45", "expiresAfterSeconds"),
                arguments("alvaria-messaging:notification?state=typing", "state"),
                arguments("alvaria-messaging:sendText?baseUrl=ftp://example.com", "baseUrl"),
                arguments("alvaria-messaging:sendText?tokenUrl=not a url", "tokenUrl"),
                arguments("alvaria-messaging:sendText?baseUrl=https://{orgId}.via.aspect-cloud.net&orgId=a.b",
                          "orgId"),
                arguments("alvaria-messaging:sendText?retryableStatusCodes=429,five", "retryableStatusCodes"),
                arguments("alvaria-messaging:sendText?requestTimeout=0", "requestTimeout"),
                arguments("alvaria-messaging:sendText?proxyPort=3128", "proxyHost"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEndpoints")
    void anEndpointWithBadOptionsRefusesToStartNamingTheOption(String uri, String option) {
        assertThatThrownBy(() -> context.getEndpoint(uri))
                .rootCause().isInstanceOf(AlvariaValidationException.class).hasMessageContaining(option)
                .satisfies(e -> assertThat(((AlvariaValidationException) e).getField()).isEqualTo(option));
    }

    @Test
    void aRouteWithAnUnknownOperationIsRefused() {
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:bad").to("alvaria-messaging:sendFax");
            }
        })).isInstanceOf(FailedToCreateRouteException.class).rootCause().hasMessageContaining("Unknown operation 'sendFax'")
                .hasMessageContaining("sendText, sendUrl, notification");
    }

    @Test
    void aNewlineInTheApiKeyIsRefusedWithoutEchoingIt() throws Exception {
        AlvariaMessagingEndpoint endpoint
                = (AlvariaMessagingEndpoint) component().createEndpoint("alvaria-messaging:sendText");
        endpoint.getConfiguration().setApiKey("abc\r\ndef");

        assertThatThrownBy(endpoint::init).rootCause().isInstanceOf(AlvariaValidationException.class)
                .hasMessageContaining("apiKey").hasMessageNotContaining("abc");
    }
}
