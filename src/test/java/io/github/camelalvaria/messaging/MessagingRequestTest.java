package io.github.camelalvaria.messaging;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelalvaria.messaging.model.NotificationRequest;
import io.github.camelalvaria.messaging.model.SendTextRequest;
import mockwebserver3.RecordedRequest;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What goes over the wire for each operation, and where each field comes from. */
class MessagingRequestTest extends AlvariaTestSupport {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void sendTextPostsTheBodyAsTextWithEveryRequiredHeader() throws Exception {
        Exchange exchange = send("alvaria-messaging:sendText?interactionId=4321", "Hello from Camel");

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getBody()).isEqualTo("Hello from Camel");
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
        RecordedRequest request = alvaria.apiRequests().get(0);
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getTarget()).isEqualTo("/via/v2/organizations/acme/messaging/users/agent-7/sendText");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer token-1");
        assertThat(request.getHeaders().get("x-api-key")).isEqualTo(MockAlvaria.API_KEY);
        assertThat(request.getHeaders().get("via-client-sessionid")).isEqualTo(SESSION);
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");
        assertThat(json.readTree(request.getBody().utf8())).isEqualTo(json.readTree(
                "{\"interactionId\":\"4321\",\"entityName\":\"Jane Agent\",\"entityType\":\"Agent\","
                + "\"text\":\"Hello from Camel\"}"));
    }

    @Test
    void sendUrlPostsAUriBodyAsTheUrl() throws Exception {
        send("alvaria-messaging:sendUrl?interactionId=4321&entityType=System",
             URI.create("https://www.alvaria.com/help?q=1"));

        RecordedRequest request = alvaria.apiRequests().get(0);
        assertThat(request.getTarget()).endsWith("/messaging/users/agent-7/sendUrl");
        assertThat(json.readTree(request.getBody().utf8())).isEqualTo(json.readTree(
                "{\"interactionId\":\"4321\",\"entityName\":\"Jane Agent\",\"entityType\":\"System\","
                + "\"url\":\"https://www.alvaria.com/help?q=1\"}"));
    }

    @Test
    void notificationIgnoresTheBodyAndSendsStateAndExpiry() throws Exception {
        send("alvaria-messaging:notification?interactionId=4321&expiresAfterSeconds=10", "ignored text");

        RecordedRequest request = alvaria.apiRequests().get(0);
        assertThat(request.getTarget()).endsWith("/messaging/users/agent-7/notification");
        assertThat(json.readTree(request.getBody().utf8())).isEqualTo(json.readTree(
                "{\"interactionId\":\"4321\",\"entityName\":\"Jane Agent\",\"entityType\":\"Agent\","
                + "\"state\":\"composing\",\"expiresAfterSeconds\":10}"));
    }

    @Test
    void notificationWithoutExpiryLeavesTheFieldOut() throws Exception {
        send("alvaria-messaging:notification?interactionId=4321", null);

        assertThat(json.readTree(alvaria.apiRequests().get(0).getBody().utf8()).has("expiresAfterSeconds")).isFalse();
    }

    @Test
    void bodyFieldBeatsHeaderBeatsEndpointOptionBeatsComponentOption() throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("text", "from the body");
        body.put("interactionId", "from-body");
        send("alvaria-messaging:sendText?interactionId=from-endpoint&entityName=endpoint-name&entityType=Monitor", body,
             AlvariaMessagingConstants.INTERACTION_ID, "from-header",
             AlvariaMessagingConstants.ENTITY_NAME, "header-name");

        assertThat(json.readTree(alvaria.apiRequests().get(0).getBody().utf8())).isEqualTo(json.readTree(
                "{\"interactionId\":\"from-body\",\"entityName\":\"header-name\",\"entityType\":\"Monitor\","
                + "\"text\":\"from the body\"}"));
    }

    @Test
    void headersOverrideOperationUserAndSession() {
        send("alvaria-messaging:sendText?interactionId=4321", null,
             AlvariaMessagingConstants.OPERATION, "notification",
             AlvariaMessagingConstants.USER_ID, "agent-9",
             AlvariaMessagingConstants.SESSION_ID, "session-9",
             AlvariaMessagingConstants.STATE, "composing",
             AlvariaMessagingConstants.EXPIRES_AFTER_SECONDS, "5");

        RecordedRequest request = alvaria.apiRequests().get(0);
        assertThat(request.getTarget()).endsWith("/users/agent-9/notification");
        assertThat(request.getHeaders().get("via-client-sessionid")).isEqualTo("session-9");
        assertThat(request.getBody().utf8()).contains("\"expiresAfterSeconds\":5");
    }

    @Test
    void aRecordBodySuppliesItsFieldsAndOptionsFillTheRest() throws Exception {
        send("alvaria-messaging:notification?interactionId=4321",
             new NotificationRequest(null, "Bot", "System", null, 20));
        send("alvaria-messaging:sendText", new SendTextRequest("555", null, null, "record text"));

        assertThat(json.readTree(alvaria.apiRequests().get(0).getBody().utf8())).isEqualTo(json.readTree(
                "{\"interactionId\":\"4321\",\"entityName\":\"Bot\",\"entityType\":\"System\","
                + "\"state\":\"composing\",\"expiresAfterSeconds\":20}"));
        assertThat(json.readTree(alvaria.apiRequests().get(1).getBody().utf8())).isEqualTo(json.readTree(
                "{\"interactionId\":\"555\",\"entityName\":\"Jane Agent\",\"entityType\":\"Agent\","
                + "\"text\":\"record text\"}"));
    }

    @Test
    void exchangeHeadersNeverTravelAsHttpHeaders() {
        send("alvaria-messaging:sendText?interactionId=4321", "hi", "X-Custom", "leak", "CamelFileName", "a.txt");

        RecordedRequest request = alvaria.apiRequests().get(0);
        assertThat(request.getHeaders().names()).doesNotContain("X-Custom", "CamelFileName",
                                                               AlvariaMessagingConstants.INTERACTION_ID);
    }

    @Test
    void theRequestHeadersCarryNoCamelHeaderEvenWhenSetForAlvaria() {
        send("alvaria-messaging:sendText", "hi", AlvariaMessagingConstants.INTERACTION_ID, 4321);

        RecordedRequest request = alvaria.apiRequests().get(0);
        assertThat(request.getHeaders().names()).noneMatch(name -> name.startsWith("Camel"));
        assertThat(request.getBody().utf8()).contains("\"interactionId\":\"4321\"");
    }
}
