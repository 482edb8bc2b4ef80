package io.github.camelalvaria.messaging;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.github.camelalvaria.messaging.app.AlvariaMessagingApplication;
import io.github.camelalvaria.messaging.app.CapturedLogLines;
import io.github.camelalvaria.messaging.app.EmbeddedArtemis;
import io.github.camelalvaria.messaging.model.SendTextRequest;
import io.github.camelalvaria.messaging.simulator.AcceptedMessage;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.SimulatorRecord;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import jakarta.jms.TextMessage;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.apache.camel.Exchange;
import org.apache.camel.main.Main;
import org.apache.camel.util.FileUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.ENTITY_NAME;
import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.ENTITY_TYPE;
import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.EXPIRES_AFTER_SECONDS;
import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.INTERACTION_ID;
import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.OPERATION;
import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.SESSION_ID;
import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.STATE;
import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.USER_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Named.named;

/**
 * The bad-input catalogue: one table of what a route, a file, a mail, a JMS producer or a server can get wrong, each
 * row with the outcome users rely on. Input the API would refuse fails with an {@link AlvariaValidationException}
 * naming the field, and nothing is sent; what the reference allows is sent as README documents it; a bad answer from a
 * server is a typed failure with a clear message; a bridge dead-letters what it cannot send, with the reason, and
 * loses nothing.
 *
 * <p>Component rows run against a {@link MockAlvaria} of their own. Bridge rows go through one instance of the real
 * app (camel-main, application.properties, the file, mail and queue bridges' YAML routes) against the simulator,
 * GreenMail and an embedded Artemis, started by the first bridge row and shared by the rest. {@link SecretWatch}
 * watches all of it at DEBUG.
 */
class BadInputCatalogueTest extends AlvariaTestSupport {

    private static final String TEXT = "alvaria-messaging:sendText?interactionId=4321";
    private static final String URL = "alvaria-messaging:sendUrl?interactionId=4321";
    private static final String NOTE = "alvaria-messaging:notification?interactionId=4321";
    private static final String USERS = "/via/v2/organizations/acme/messaging/users/";
    private static final String ISSUED_TOKEN = "catalogue-t0ken-6d1e";
    /** 10 MiB of text: the reference sets no maximum length, so the component sends it as it is. */
    private static final String TEN_MB = "0123456789abcdef".repeat(655_360);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final SecretWatch SECRETS = new SecretWatch().secret("api key", MockAlvaria.API_KEY)
            .secret("client secret", MockAlvaria.CLIENT_SECRET).secret("issued token", ISSUED_TOKEN)
            .secretsOf(Bridges.TENANT).secret("mail password", Bridges.MAIL_PASSWORD);

    private static Bridges bridges;

    /** One row: the input, and what must come of it. */
    @FunctionalInterface
    interface Row {
        void check(BadInputCatalogueTest test) throws Exception;
    }

    static Stream<Named<Row>> catalogue() {
        return Stream.of(
                // required fields missing, blank or of the wrong type
                refused("no body", TEXT, null, Map.of(), "text"),
                refused("a blank body", TEXT, "  \n ", Map.of(), "text"),
                refused("a Map body without text", TEXT, Map.of("interactionId", "1"), Map.of(), "text"),
                refused("a Map body with a list as text", TEXT, Map.of("text", List.of("a")), Map.of(), "text"),
                refused("a SendTextRequest without text", TEXT, new SendTextRequest("1", "n", "Agent", null), Map.of(),
                        "text"),
                // bodies that are not text are refused, not posted as their toString()
                refused("a record body", TEXT, new Order("o-1", 2), Map.of(), "text"),
                refused("a List body", TEXT, List.of("a", "b"), Map.of(), "text"),
                refused("an Optional body", TEXT, java.util.Optional.of("hi"), Map.of(), "text"),
                refused("a record body for sendUrl", URL, new Order("o-1", 2), Map.of(), "url"),
                refused("no url", URL, null, Map.of(), "url"),
                refused("a Map body with a list as url", URL, Map.of("url", List.of("https://a.example")), Map.of(),
                        "url"),
                refused("no interactionId anywhere", "alvaria-messaging:sendText", "hi", Map.of(), "interactionId"),
                refused("a blank interactionId header", "alvaria-messaging:sendText", "hi", Map.of(INTERACTION_ID, " "),
                        "interactionId"),
                refused("a boolean interactionId body field", TEXT, Map.of("text", "hi", "interactionId", true),
                        Map.of(), "interactionId"),
                refused("a blank userId header", TEXT, "hi", Map.of(USER_ID, ""), "userId"),
                refused("a list as userId header", TEXT, "hi", Map.of(USER_ID, List.of("agent-7")), "userId"),
                refused("a blank entityName header", TEXT, "hi", Map.of(ENTITY_NAME, ""), "entityName"),
                refused("a map as entityName body field", TEXT, Map.of("text", "hi", "entityName", Map.of("a", "b")),
                        Map.of(), "entityName"),
                refused("a blank state header", NOTE, null, Map.of(STATE, " "), "state"),
                refused("a blank session id header", TEXT, "hi", Map.of(SESSION_ID, " "), "sessionId"),
                endpointRefused("an empty orgId option", "alvaria-messaging:sendText?orgId=", "orgId"),
                endpointRefused("an empty apiKey option", "alvaria-messaging:sendText?apiKey=", "apiKey"),
                endpointRefused("no credentials at all", "alvaria-messaging:sendText?clientId=&clientSecret=",
                                "accessToken"),
                endpointRefused("a clientId without clientSecret", "alvaria-messaging:sendText?clientSecret=",
                                "clientSecret"),
                endpointRefused("both accessToken and client credentials", "alvaria-messaging:sendText?accessToken=abc",
                                "accessToken"),
                // enums off by case and off entirely (the reference's values are case-sensitive)
                refused("entityType agent", TEXT, "hi", Map.of(ENTITY_TYPE, "agent"), "entityType"),
                refused("entityType Customer", TEXT, Map.of("text", "hi", "entityType", "Customer"), Map.of(),
                        "entityType"),
                endpointRefused("entityType=system option", "alvaria-messaging:sendText?entityType=system",
                                "entityType"),
                endpointRefused("entityType=Bot option", "alvaria-messaging:sendText?entityType=Bot", "entityType"),
                refused("state Composing", NOTE, null, Map.of(STATE, "Composing"), "state"),
                refused("state paused", NOTE, null, Map.of(STATE, "paused"), "state"),
                endpointRefused("state=typing option", "alvaria-messaging:notification?state=typing", "state"),
                refused("operation header sendtext", TEXT, "hi", Map.of(OPERATION, "sendtext"), OPERATION),
                refused("operation header sendFax", TEXT, "hi", Map.of(OPERATION, "sendFax"), OPERATION),
                refused("operation header events", TEXT, "hi", Map.of(OPERATION, "events"), OPERATION),
                // expiresAfterSeconds: a whole number of 1..30
                refused("expiresAfterSeconds 0", NOTE, null, Map.of(EXPIRES_AFTER_SECONDS, 0), "expiresAfterSeconds"),
                refused("expiresAfterSeconds -1", NOTE, null, Map.of(EXPIRES_AFTER_SECONDS, -1), "expiresAfterSeconds"),
                refused("expiresAfterSeconds 31", NOTE, null, Map.of(EXPIRES_AFTER_SECONDS, 31), "expiresAfterSeconds"),
                refused("expiresAfterSeconds \"ten\"", NOTE, null, Map.of(EXPIRES_AFTER_SECONDS, "ten"),
                        "expiresAfterSeconds"),
                refused("expiresAfterSeconds 2.5", NOTE, Map.of("expiresAfterSeconds", 2.5), Map.of(),
                        "expiresAfterSeconds"),
                endpointRefused("expiresAfterSeconds=45 option", "alvaria-messaging:notification?expiresAfterSeconds=45",
                                "expiresAfterSeconds", "45 is outside 1..30"),
                endpointRefused("expiresAfterSeconds=ten option",
                                "alvaria-messaging:notification?expiresAfterSeconds=ten", "expiresAfterSeconds",
                                "'ten' is not a whole number"),
                endpointRefused("maxEvents=five option", "alvaria-messaging:events?maxEvents=five", "maxEvents",
                                "'five' is not a whole number"),
                // URLs: absolute http(s) only
                refused("a relative url", URL, "/help", Map.of(), "url"),
                refused("a scheme-relative url", URL, "//help.example.com/a", Map.of(), "url"),
                refused("an ftp url", URL, "ftp://files.example.com/a", Map.of(), "url"),
                refused("a javascript: url", URL, "javascript:alert(1)", Map.of(), "url"),
                refused("a url with a space in the host", URL, "http://exa mple.com", Map.of(), "url"),
                endpointRefused("baseUrl=ftp://", "alvaria-messaging:sendText?baseUrl=ftp://example.com", "baseUrl"),
                endpointRefused("a relative baseUrl", "alvaria-messaging:sendText?baseUrl=/via", "baseUrl"),
                endpointRefused("a tokenUrl that is not a URL", "alvaria-messaging:sendText?tokenUrl=not a url",
                                "tokenUrl"),
                // CR, LF and NUL in values that become HTTP headers
                refused("CR LF in the session id header", TEXT, "hi", Map.of(SESSION_ID, "s1\r\nX-Injected: yes"),
                        "sessionId"),
                refused("NUL in the session id header", TEXT, "hi", Map.of(SESSION_ID, "s\u00001"), "sessionId"),
                optionRefused("CR LF in the apiKey option", config -> config.setApiKey("abc\r\nX-Injected: def"),
                              "apiKey", "abc"),
                optionRefused("NUL in the accessToken option", config -> {
                    config.setClientId(null);
                    config.setClientSecret(null);
                    config.setAccessToken("tok\u0000en-ab12");
                }, "accessToken", "ab12"),
                optionRefused("LF in the sessionId option", config -> config.setSessionId("s1\nX-Injected: yes"),
                              "sessionId", "Injected"),
                // ids: path values are one encoded segment each, so traversal and reserved characters cannot move
                // the request; body values travel as JSON strings
                sent("userId ../admin?x=1 y", TEXT, "hi", Map.of(USER_ID, "../admin?x=1 y"), request ->
                        assertThat(request.getTarget()).isEqualTo(USERS + "..%2Fadmin%3Fx%3D1%20y/sendText")),
                sent("userId ..", TEXT, "hi", Map.of(USER_ID, ".."), request ->
                        assertThat(request.getTarget()).isEqualTo(USERS + "%2E%2E/sendText")),
                sent("userId with #, % and CR LF", TEXT, "hi", Map.of(USER_ID, "a#b%c\r\nd"), request ->
                        assertThat(request.getTarget()).isEqualTo(USERS + "a%23b%25c%0D%0Ad/sendText")),
                sent("orgId a/b c (baseUrl without {orgId})", TEXT + "&orgId=a/b c", "hi", Map.of(), request ->
                        assertThat(request.getTarget())
                                .isEqualTo("/via/v2/organizations/a%2Fb%20c/messaging/users/agent-7/sendText")),
                endpointRefused("orgId a.b in the host of baseUrl",
                                "alvaria-messaging:sendText?baseUrl=https://{orgId}.via.aspect-cloud.net&orgId=a.b",
                                "orgId"),
                sent("interactionId ../4321?x#y", "alvaria-messaging:sendText", "hi",
                     Map.of(INTERACTION_ID, "../4321?x#y"), request -> {
                         assertThat(request.getTarget()).isEqualTo(USERS + "agent-7/sendText");
                         assertThat(request.getBody().utf8()).contains("\"interactionId\":\"../4321?x#y\"");
                     }),
                sent("a 10 MB text (no maximum in the reference)", TEXT, TEN_MB, Map.of(), request ->
                        assertThat(request.getBody().utf8()).contains("\"text\":\"" + TEN_MB + "\"")),
                // what the server answers
                apiAnswers("a malformed JSON error body", MockAlvaria.json(400, "{\"code\":400,\"message\":\"bad"),
                           AlvariaPermanentException.class, "HTTP 400", "{\"code\":400,\"message\":\"bad"),
                apiAnswers("a JSON error body of another shape",
                           MockAlvaria.json(422, "{\"code\":\"x\",\"errors\":\"none\"}"),
                           AlvariaPermanentException.class, "HTTP 422", "\"errors\":\"none\""),
                apiAnswers("an HTML error body", new MockResponse.Builder().code(502)
                                   .setHeader("Content-Type", "text/html").body("<html>Bad gateway " + "x".repeat(500))
                                   .build(),
                           AlvariaRetryableException.class, "HTTP 502", "<html>Bad gateway"),
                apiAnswers("an empty 500", new MockResponse.Builder().code(500).build(),
                           AlvariaRetryableException.class, "HTTP 500 Internal Server Error"),
                named("server: a 200 with a garbage body -> success (the reference's 2xx has no body to read)",
                      BadInputCatalogueTest::expectGarbageSuccessToSucceed),
                named("server: stalls after the headers -> AlvariaRetryableException within requestTimeout",
                      BadInputCatalogueTest::expectStallToTimeOut),
                tokenAnswers("garbage", MockAlvaria.json(200, "not json at all"), "no access_token"),
                tokenAnswers("an HTML page with 200", new MockResponse.Builder().code(200)
                        .setHeader("Content-Type", "text/html").body("<html>Sign in</html>").build(), "no access_token"),
                tokenAnswers("JSON without access_token", MockAlvaria.json(200, "{\"token_type\":\"Bearer\"}"),
                             "no access_token"),
                named("server: a token answer without expires_in -> used (the platform's default 60 minutes)",
                      BadInputCatalogueTest::expectTokenWithoutExpiryToBeUsed),
                // the file bridge
                fileRefused("a file that is not UTF-8", "latin1.txt",
                            "caf\u00e9 cr\u00e8me".getBytes(StandardCharsets.ISO_8859_1), "body", "not valid UTF-8"),
                fileRefused("an empty file", "empty.txt", new byte[0], "text", "must not be blank"),
                fileRefused("a header block with Entity-Type: robot", "robot.txt",
                            utf8("Entity-Type: robot\n\nBeep."), "entityType", "'robot' is not one of"),
                fileRefused("a header block with a blank Interaction", "no-interaction.txt",
                            utf8("Interaction:\nUser: agent-1\n\nHello"), "interactionId", "must not be blank"),
                fileRefused("a .url file with a relative URL", "relative.url", utf8("/help/orders"), "url",
                            "not an absolute http(s) URL"),
                named("file bridge: a 10 MB text file -> delivered in full, moved to .done/",
                      test -> bridges().expectFileDelivered("ten-mb.txt", TEN_MB)),
                // the mail bridge
                mailRefused("a mail with only the tag as subject and no body", "[#4321]", "", "text"),
                mailRefused("a mail without tag, subject or body", "", "", "interactionId"),
                named("mail bridge: a mail with a subject and no body -> the subject alone is posted (documented)",
                      test -> bridges().expectMailDelivered("[#4322] Please call me back", "", "4322",
                                                            "Please call me back")),
                // the queue bridge
                named("queue bridge: no CamelAlvariaOperation property -> sent as sendText (documented)",
                      test -> bridges().expectJmsDeliveredAsSendText("No operation property here.",
                                                                     Map.of(INTERACTION_ID, "4321"))),
                jmsRefused("CamelAlvariaOperation=sendFax", "Fax me.",
                           Map.of(OPERATION, "sendFax", INTERACTION_ID, "4321"), OPERATION),
                jmsRefused("CamelAlvariaOperation=SENDTEXT", "Shout.",
                           Map.of(OPERATION, "SENDTEXT", INTERACTION_ID, "4321"), OPERATION),
                jmsRefused("CR LF in CamelAlvariaSessionId", "Inject.",
                           Map.of(INTERACTION_ID, "4321", SESSION_ID, "s1\r\nX-Injected: yes"), "sessionId"),
                jmsRefused("notification with CamelAlvariaExpiresAfterSeconds=ten", "",
                           Map.of(OPERATION, "notification", INTERACTION_ID, "4321", EXPIRES_AFTER_SECONDS, "ten"),
                           "expiresAfterSeconds"),
                jmsRefused("sendUrl with a relative URL", "/orders/1042",
                           Map.of(OPERATION, "sendUrl", INTERACTION_ID, "4321"), "url"));
    }

    /** A body type of the user's own, with no type converter to String. */
    record Order(String id, int qty) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void eachBadInputIsRefusedNamingTheFieldOrHandledAsDocumented(Row row) throws Exception {
        row.check(this);
    }

    @AfterAll
    static void stopBridges() throws Exception {
        if (bridges != null) {
            bridges.close();
        }
    }

    // --- the kinds of row

    private static Named<Row> refused(String input, String uri, Object body, Map<String, ?> headers, String field) {
        return named("component: " + input + " -> invalid " + field + ", nothing sent", test -> {
            Exception failure = test.sendWithWatchedToken(uri, body, headers).getException();
            assertInvalid(failure, field);
            test.assertNothingSent();
        });
    }

    /** Options are checked when the endpoint is created: the route fails at start-up, naming the option. */
    private static Named<Row> endpointRefused(String input, String uri, String option, String... quoted) {
        return named("component: " + input + " -> endpoint refused naming " + option, test -> {
            AlvariaValidationException failure = validationIn(catchThrowable(() -> test.context.getEndpoint(uri)));
            assertInvalid(failure, option);
            for (String part : quoted) {
                assertThat(failure).hasMessageContaining(part);
            }
            test.assertNothingSent();
        });
    }

    /** A value Camel cannot put in a URI as it is, set on the endpoint's configuration; never echoed. */
    private static Named<Row> optionRefused(
            String input, Consumer<AlvariaMessagingConfiguration> option, String field, String secretPart) {
        return named("component: " + input + " -> endpoint refused naming " + field + ", value not echoed", test -> {
            AlvariaMessagingEndpoint endpoint = (AlvariaMessagingEndpoint) test.component().createEndpoint(TEXT);
            option.accept(endpoint.getConfiguration());
            AlvariaValidationException failure = validationIn(catchThrowable(endpoint::init));
            assertInvalid(failure, field);
            assertThat(failure).hasMessageNotContaining(secretPart);
            test.assertNothingSent();
        });
    }

    /** Allowed by the reference: sent once, and the request is what the expectation says. */
    private static Named<Row> sent(
            String input, String uri, Object body, Map<String, ?> headers, Consumer<RecordedRequest> request) {
        return named("component: " + input + " -> sent as documented", test -> {
            Exchange exchange = test.sendWithWatchedToken(uri, body, headers);
            assertThat(exchange.getException()).isNull();
            assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
            assertThat(test.alvaria.apiRequests()).singleElement().satisfies(request::accept);
        });
    }

    /** An error answer that is not the reference's ErrorResponse: typed by its status, quoted, not parsed. */
    private static Named<Row> apiAnswers(
            String answer, MockResponse response, Class<? extends AlvariaMessagingException> type, String... quoted) {
        return named("server: " + answer + " -> " + type.getSimpleName() + " quoting it", test -> {
            test.alvaria.answerApi(response);
            Exception failure = test.sendWithWatchedToken(TEXT, "hello", Map.of()).getException();
            SECRETS.scanException(answer, failure);
            assertThat(failure).isInstanceOf(type).hasMessageStartingWith("sendText failed: HTTP ");
            for (String part : quoted) {
                assertThat(failure).hasMessageContaining(part);
            }
            assertThat(failure.getMessage()).hasSizeLessThan(400);
            assertThat(((AlvariaMessagingException) failure).getErrorResponse()).isEmpty();
            assertThat(test.alvaria.apiRequests()).hasSize(1);
        });
    }

    /** A 2xx from the token service without a usable token: retryable, and the API is not called. */
    private static Named<Row> tokenAnswers(String answer, MockResponse response, String inMessage) {
        return named("server: token endpoint answers " + answer + " -> AlvariaRetryableException, API not called",
                     test -> {
                         test.alvaria.answerToken(response);
                         Exception failure = test.send(TEXT, "hello").getException();
                         SECRETS.scanException(answer, failure);
                         assertThat(failure).isInstanceOf(AlvariaRetryableException.class)
                                 .hasMessageStartingWith("accessToken failed: HTTP 200").hasMessageContaining(inMessage);
                         assertThat(test.alvaria.tokenRequests()).hasSize(1);
                         assertThat(test.alvaria.apiRequests()).isEmpty();
                     });
    }

    private static Named<Row> fileRefused(String input, String fileName, byte[] content, String field, String why) {
        return named("file bridge: " + input + " -> .failed/ with .error.json naming " + field + ", nothing sent",
                     test -> bridges().expectFileRefused(fileName, content, field, why));
    }

    private static Named<Row> mailRefused(String input, String subject, String body, String field) {
        return named("mail bridge: " + input + " -> flagged in the failed folder, reason naming " + field
                     + ", nothing sent", test -> bridges().expectMailRefused(subject, body, field));
    }

    private static Named<Row> jmsRefused(String input, String body, Map<String, String> properties, String field) {
        return named("queue bridge: " + input + " -> dead-letter queue, reason naming " + field + ", nothing sent",
                     test -> bridges().expectJmsRefused(body, properties, field));
    }

    // --- the rows that are not a kind of their own

    private void expectGarbageSuccessToSucceed() {
        alvaria.answerApi(MockAlvaria.json(200, "<<garbage, not JSON>>"));

        Exchange exchange = sendWithWatchedToken(TEXT, "hello", Map.of());

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
        assertThat(exchange.getMessage().getBody()).isEqualTo("hello");
    }

    private void expectStallToTimeOut() {
        alvaria.answerApi(new MockResponse.Builder().code(202).body("{\"partial\":").bodyDelay(5, TimeUnit.SECONDS)
                                  .build());
        alvaria.answerToken(alvaria.tokenResponse(ISSUED_TOKEN));

        CompletableFuture<Exchange> sending = template.asyncSend(
                TEXT + "&requestTimeout=300", exchange -> exchange.getMessage().setBody("hello"));

        // the server would stall for 5 s: an answer within 3 s is the 300 ms timeout's doing, not the server's
        await().atMost(Duration.ofSeconds(3)).until(sending::isDone);
        Exception failure = sending.join().getException();
        SECRETS.scanException("stall", failure);
        assertThat(failure).isInstanceOf(AlvariaRetryableException.class)
                .hasMessageContaining("sendText failed: no response").hasRootCauseInstanceOf(SocketTimeoutException.class);
        assertThat(((AlvariaMessagingException) failure).getStatusCode()).isZero();
    }

    private void expectTokenWithoutExpiryToBeUsed() {
        alvaria.answerToken(MockAlvaria.json(200, "{\"access_token\":\"" + ISSUED_TOKEN + "\",\"token_type\":\"Bearer\"}"));

        Exchange first = send(TEXT, "one");
        Exchange second = send(TEXT, "two");

        assertThat(first.getException()).isNull();
        assertThat(second.getException()).isNull();
        assertThat(alvaria.tokenRequests()).hasSize(1);
        assertThat(alvaria.apiRequests()).extracting(request -> request.getHeaders().get("Authorization"))
                .containsExactly("Bearer " + ISSUED_TOKEN, "Bearer " + ISSUED_TOKEN);
    }

    // --- helpers

    /** Sends with a token the watch knows, should the call get as far as asking for one. */
    private Exchange sendWithWatchedToken(String uri, Object body, Map<String, ?> headers) {
        alvaria.answerToken(alvaria.tokenResponse(ISSUED_TOKEN));
        Map<String, Object> headerMap = new HashMap<>(headers);
        return template.send(uri, exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeaders(headerMap);
        });
    }

    private void assertNothingSent() {
        assertThat(alvaria.apiRequests()).isEmpty();
        assertThat(alvaria.tokenRequests()).isEmpty();
    }

    private static void assertInvalid(Throwable failure, String field) {
        SECRETS.scanException("refusal naming " + field, failure);
        assertThat(failure).isInstanceOf(AlvariaValidationException.class).isInstanceOf(AlvariaPermanentException.class)
                .hasMessageStartingWith("Invalid " + field + " for alvaria-messaging:")
                .hasMessageEndingWith("(nothing was sent)");
        assertThat(((AlvariaValidationException) failure).getField()).isEqualTo(field);
    }

    private static AlvariaValidationException validationIn(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof AlvariaValidationException invalid) {
                return invalid;
            }
        }
        throw new AssertionError("no AlvariaValidationException in " + failure, failure);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static synchronized Bridges bridges() throws Exception {
        if (bridges == null) {
            bridges = new Bridges();
        }
        return bridges;
    }

    /**
     * The app as {@code mvn exec:java} runs it, with the file, mail and queue bridges on, pointed at a simulator,
     * GreenMail (IMAP and SMTP on free ports) and an embedded Artemis.
     */
    static final class Bridges implements AutoCloseable {

        static final SimulatorSettings TENANT = SimulatorSettings.DEMO.withPort(0)
                .withApiKey("catalogue-api-key-7f3e").withClient("demo-client", "catalogue-client-secret-91b2");
        static final String MAIL_PASSWORD = "catalogue-mail-p4ss";
        private static final String MAIL_ACCOUNT = "chat-bridge@example.test";
        private static final String FAILED_FOLDER = "Alvaria/Failed";
        private static final String DONE_FOLDER = "Alvaria/Delivered";
        private static final String QUEUE = "catalogue.outbound";
        private static final String DEAD_LETTER_QUEUE = "catalogue.outbound.dead";
        private static final Path ROOT = Path.of("target/bad-input-catalogue");
        private static final String COMPONENT = "camel.component.alvaria-messaging.";

        private final ObjectMapper json = new ObjectMapper();
        private final CapturedLogLines logs = new CapturedLogLines(Map.of());
        private final Path inbox = ROOT.resolve("inbox");
        private final AlvariaSimulator simulator;
        private final GreenMail mail;
        private final EmbeddedArtemis broker;
        private final Main app = new Main();

        /** What the simulator received: accepted messages and refused calls. */
        record Sent(long accepted, SortedMap<Integer, Long> refused) {
            static Sent of(SimulatorRecord record) {
                return new Sent(record.acceptedCount(), record.refused());
            }
        }

        Bridges() throws Exception {
            FileUtil.removeDir(ROOT.toFile());
            simulator = AlvariaSimulator.start(TENANT);
            mail = new GreenMail(ServerSetup.dynamicPort(new ServerSetup[] { ServerSetupTest.SMTP, ServerSetupTest.IMAP }));
            mail.setUser(MAIL_ACCOUNT, MAIL_ACCOUNT, MAIL_PASSWORD);
            mail.start();
            broker = new EmbeddedArtemis();
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("camel.main.name", "bad-input-catalogue");
            properties.put("camel.main.routes-include-pattern",
                           "file:routes/file-to-chat.yaml,file:routes/email-to-chat.yaml,file:routes/queue-to-chat.yaml");
            properties.put("camel.main.shutdown-timeout", "10");
            properties.put("alvaria.simulator.enabled", "false");
            properties.put("alvaria.samples.enabled", "false");
            properties.put(COMPONENT + "base-url", simulator.baseUrl());
            properties.put(COMPONENT + "token-url", simulator.tokenUrl());
            properties.put(COMPONENT + "org-id", TENANT.orgId());
            properties.put(COMPONENT + "api-key", TENANT.apiKey());
            properties.put(COMPONENT + "client-id", TENANT.clientId());
            properties.put(COMPONENT + "client-secret", TENANT.clientSecret());
            properties.put(COMPONENT + "user-id", "agent-1");
            properties.put(COMPONENT + "session-id", "catalogue-session");
            properties.put("alvaria.redelivery.initial-delay", "10");
            properties.put("alvaria.redelivery.maximum-delay", "100");
            properties.put("alvaria.dead-letter.default-uri", "file:" + ROOT.resolve("dead-letter"));
            properties.put("alvaria.file.inbox", inbox.toString());
            properties.put("alvaria.mail.enabled", "true");
            properties.put("alvaria.mail.protocol", "imap");
            properties.put("alvaria.mail.host", mail.getImap().getBindTo());
            properties.put("alvaria.mail.port", String.valueOf(mail.getImap().getPort()));
            properties.put("alvaria.mail.username", MAIL_ACCOUNT);
            properties.put("alvaria.mail.password", MAIL_PASSWORD);
            properties.put("alvaria.mail.poll-delay", "100");
            properties.put("alvaria.mail.interaction-id", "");
            properties.put("alvaria.jms.enabled", "true");
            properties.put("alvaria.jms.broker-url", broker.url());
            properties.put("alvaria.jms.queue", QUEUE);
            properties.put("alvaria.jms.dead-letter-queue", DEAD_LETTER_QUEUE);
            properties.put("alvaria.jms.concurrent-consumers", "1");
            properties.forEach(app::addOverrideProperty);
            app.setPropertyPlaceholderLocations(AlvariaMessagingApplication.PROPERTIES);
            app.start();
        }

        void expectFileRefused(String name, byte[] content, String field, String why) throws Exception {
            Sent before = sent();
            drop(name, content);

            Path failed = inbox.resolve(".failed").resolve(name);
            Path error = inbox.resolve(".failed").resolve(name + ".error.json");
            await().atMost(WAIT).until(() -> Files.exists(failed) && Files.exists(error));
            JsonNode reason = json.readTree(error.toFile());
            assertThat(reason.path("reason").asText()).isEqualTo("validation");
            assertThat(reason.path("field").asText()).isEqualTo(field);
            assertThat(reason.path("status").asInt()).isZero();
            assertThat(reason.path("message").asText()).startsWith("Invalid " + field).contains(why)
                    .endsWith("(nothing was sent)");
            assertThat(Files.readAllBytes(failed)).isEqualTo(content);
            assertThat(inbox.resolve(name)).doesNotExist();
            assertThat(inbox.resolve(".done").resolve(name)).doesNotExist();
            assertThat(sent()).isEqualTo(before);
            SECRETS.scanFiles(inbox.resolve(".failed"));
        }

        void expectFileDelivered(String name, String text) throws Exception {
            drop(name, utf8(text));

            await().atMost(WAIT).until(() -> Files.exists(inbox.resolve(".done").resolve(name)));
            assertThat(simulator.accepted("4321")).extracting(AcceptedMessage::text).contains(text);
            assertThat(inbox.resolve(".failed").resolve(name)).doesNotExist();
        }

        void expectMailRefused(String subject, String body, String field) throws Exception {
            Sent before = sent();
            int logged = logs.text().length();
            Transport.send(plainMail(subject, body));

            await().atMost(WAIT).untilAsserted(() -> assertThat(flaggedSubjects(FAILED_FOLDER)).contains(subject));
            await().atMost(WAIT).untilAsserted(() -> assertThat(logs.text().substring(logged)).containsPattern(
                    "WARN  alvaria.dead-letter - Dead-lettered mail <.+> to " + FAILED_FOLDER + ": Invalid " + field
                    + " for alvaria-messaging:sendText: .*\\(nothing was sent\\)"));
            assertThat(flaggedSubjects("INBOX")).isEmpty();
            assertThat(unflaggedSubjects("INBOX")).isEmpty();
            assertThat(sent()).isEqualTo(before);
        }

        void expectMailDelivered(String subject, String body, String interactionId, String text) throws Exception {
            Transport.send(plainMail(subject, body));

            await().atMost(WAIT).untilAsserted(() -> assertThat(unflaggedSubjects(DONE_FOLDER)).contains(subject));
            assertThat(simulator.accepted(interactionId)).extracting(AcceptedMessage::text).contains(text);
        }

        void expectJmsRefused(String body, Map<String, String> properties, String field) throws Exception {
            Sent before = sent();
            broker.send(QUEUE, body, properties);

            await().atMost(WAIT).until(() -> broker.messageCount(QUEUE) == 0
                                             && broker.messageCount(DEAD_LETTER_QUEUE) == 1);
            TextMessage dead = (TextMessage) broker.drain(DEAD_LETTER_QUEUE).get(0);
            SECRETS.scan("JMS dead letter body", dead.getText());
            for (Object name : Collections.list(dead.getPropertyNames())) {
                SECRETS.scan("JMS dead letter property " + name, dead.getObjectProperty((String) name));
            }
            assertThat(dead.getText()).isEqualTo(body);
            for (Map.Entry<String, String> property : properties.entrySet()) {
                assertThat(dead.getStringProperty(property.getKey())).as(property.getKey()).isEqualTo(property.getValue());
            }
            assertThat(dead.getStringProperty("CamelAlvariaFailureReason")).isEqualTo("validation");
            assertThat(dead.getStringProperty("CamelAlvariaFailureMessage")).startsWith("Invalid " + field + " for")
                    .endsWith("(nothing was sent)");
            assertThat(sent()).isEqualTo(before);
        }

        void expectJmsDeliveredAsSendText(String body, Map<String, String> properties) {
            broker.send(QUEUE, body, properties);

            await().atMost(WAIT).until(() -> simulator.accepted("4321").stream()
                    .anyMatch(message -> body.equals(message.text())));
            assertThat(simulator.accepted("4321")).filteredOn(message -> body.equals(message.text()))
                    .singleElement().extracting(AcceptedMessage::operation).isEqualTo("sendText");
            await().atMost(WAIT).until(() -> broker.messageCount(QUEUE) == 0);
            assertThat(broker.messageCount(DEAD_LETTER_QUEUE)).isZero();
        }

        private Sent sent() {
            return Sent.of(simulator.record());
        }

        /** Written under another name, then renamed, as README asks writers to do. */
        private void drop(String name, byte[] content) throws IOException {
            Files.createDirectories(inbox);
            Path part = inbox.resolve(name + ".part");
            Files.write(part, content);
            Files.move(part, inbox.resolve(name));
        }

        private MimeMessage plainMail(String subject, String body) throws MessagingException {
            MimeMessage message = new MimeMessage(mail.getSmtp().createSession());
            message.setFrom(new InternetAddress("customer@example.test"));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(MAIL_ACCOUNT));
            message.setSubject(subject, "UTF-8");
            message.setText(body, "UTF-8");
            return message;
        }

        private List<String> flaggedSubjects(String folder) throws MessagingException {
            return subjects(folder, true);
        }

        private List<String> unflaggedSubjects(String folder) throws MessagingException {
            return subjects(folder, false);
        }

        /** The subjects of the mails in an IMAP folder with or without the flag, read over IMAP as a mail client would. */
        private List<String> subjects(String folderName, boolean flagged) throws MessagingException {
            Store store = mail.getImap().createStore();
            store.connect(MAIL_ACCOUNT, MAIL_PASSWORD);
            try {
                Folder folder = store.getFolder(folderName);
                if (!folder.exists()) {
                    return List.of();
                }
                folder.open(Folder.READ_ONLY);
                List<String> subjects = new ArrayList<>();
                for (Message message : folder.getMessages()) {
                    if (message.isSet(Flags.Flag.FLAGGED) == flagged) {
                        subjects.add(message.getSubject() == null ? "" : message.getSubject());
                    }
                }
                folder.close(false);
                return subjects;
            } finally {
                store.close();
            }
        }

        @Override
        public void close() throws Exception {
            try (logs; simulator; broker) {
                SECRETS.scanEndpoints(app.getCamelContext());
                app.stop();
                mail.stop();
                SECRETS.scanFiles(ROOT);
            }
        }
    }
}
