package io.github.camelalvaria.messaging.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.camelalvaria.messaging.AlvariaPermanentException;
import io.github.camelalvaria.messaging.SecretWatch;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.Faults;
import io.github.camelalvaria.messaging.simulator.SessionRecord;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.main.Main;
import org.apache.camel.util.FileUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The app as the run command starts it, with the management server on (as in the shipped application.properties, on
 * a free port here): /observe/health follows the component's access to tokens and its session, /observe/metrics
 * counts what was sent, and neither ever shows a secret.
 */
class HealthAndMetricsAppTest {

    private static final String API_KEY = "api-key-health-3f9a";
    private static final String CLIENT_SECRET = "client-secret-health-7c21";

    @RegisterExtension
    static final SecretWatch SECRETS = new SecretWatch().secret("api key", API_KEY).secret("client secret", CLIENT_SECRET);

    private static final Path ROOT = Path.of("target/health-metrics-test");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private AlvariaSimulator simulator;
    private Main app;
    private int port;

    @AfterEach
    void stop() {
        if (app != null) {
            SECRETS.scanEndpoints(app.getCamelContext());
            app.stop();
            SECRETS.scanFiles(ROOT);
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void readinessIsDownWhileTheTokenServiceFailsAndUpOnceItWorks() throws Exception {
        simulator = AlvariaSimulator.start(settings(CLIENT_SECRET).withFaults(Faults.NONE.withTokenUnavailable(1.0)));
        startApp(CLIENT_SECRET);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            HttpResponse<String> ready = get("/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("alvaria-messaging").contains("\"status\":\"DOWN\"")
                    .contains("access token of client demo-client of demo").contains("HTTP 503");
        });
        HttpResponse<String> live = get("/observe/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).contains("\"status\":\"UP\"").doesNotContain("alvaria-messaging");
        assertNoSecret(get("/observe/health/ready?exposureLevel=full").body());

        simulator.setFaults(Faults.NONE);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            HttpResponse<String> ready = get("/observe/health/ready?exposureLevel=full");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("alvaria-messaging").doesNotContain("DOWN");
            assertNoSecret(ready.body());
        });
        assertThat(simulator.sessions()).as("a probe creates no session nothing asked for").isEmpty();
    }

    @Test
    void readinessIsDownWithTheReasonWhenTheCredentialsAreRefused() throws Exception {
        simulator = AlvariaSimulator.start(settings(CLIENT_SECRET));
        startApp("wrong-" + CLIENT_SECRET);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            HttpResponse<String> ready = get("/observe/health/ready?exposureLevel=full");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("alvaria-messaging").contains("HTTP 401").contains("accessToken");
            assertNoSecret(ready.body());
        });
        HttpResponse<String> health = get("/observe/health?exposureLevel=full");
        assertThat(health.statusCode()).isEqualTo(503);
        assertNoSecret(health.body());
        assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
        assertThat(simulator.sessions()).isEmpty();
    }

    @Test
    void theServerRunsOnTheVertxTheAppMadeBesideItsStartWhichClosesWithTheApp() throws Exception {
        simulator = AlvariaSimulator.start(settings(CLIENT_SECRET));
        startApp(CLIENT_SECRET);
        Vertx vertx = app.getCamelContext().getRegistry()
                .lookupByNameAndType(ManagementVertxConfiguration.BEAN, Vertx.class);
        VertxPlatformHttpServer server = app.getCamelContext().hasService(VertxPlatformHttpServer.class);
        assertThat(server.getVertx()).isSameAs(vertx);
        assertThat(vertx.nettyEventLoopGroup()).as("event loops of the management server").hasSize(1);
        assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);

        app.stop();
        app = null;

        // Camel closes only a Vert.x of its own making: this one the app closes once the server has stopped
        await().atMost(Duration.ofSeconds(15)).until(() -> vertx.nettyEventLoopGroup().isTerminated());
    }

    @Test
    void readinessIsDownWhenTheManagedSessionCannotBeCreated() throws Exception {
        simulator = AlvariaSimulator.start(settings(CLIENT_SECRET).withApiKey("another-" + API_KEY));
        startApp(CLIENT_SECRET);
        assertThat(get("/observe/health/ready").statusCode()).as("nothing asked for a session yet").isEqualTo(200);

        assertThatThrownBy(() -> app.getCamelContext().createProducerTemplate()
                .sendBody("alvaria-messaging:sendText?interactionId=4321", "hello"))
                .hasCauseInstanceOf(AlvariaPermanentException.class);

        HttpResponse<String> ready = get("/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("streaming session of http:").contains("streamingSession failed: HTTP 401");
        assertNoSecret(ready.body());
        assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsCountMessagesFailuresRetriesDeadLettersTokensAndSessions() throws Exception {
        simulator = AlvariaSimulator.start(settings(CLIENT_SECRET));
        startApp(CLIENT_SECRET);
        ProducerTemplate producer = app.getCamelContext().createProducerTemplate();

        producer.sendBody("alvaria-messaging:sendText?interactionId=4321", "one");
        producer.sendBody("alvaria-messaging:sendText?interactionId=4321", "two");
        producer.sendBody("alvaria-messaging:notification?interactionId=4321", null);
        assertThatThrownBy(() -> producer.sendBody("alvaria-messaging:sendText?interactionId=9999", "nobody"))
                .isInstanceOf(CamelExecutionException.class).hasCauseInstanceOf(AlvariaPermanentException.class);
        assertThatThrownBy(() -> producer.sendBody("alvaria-messaging:sendText?interactionId=4321", " "))
                .hasCauseInstanceOf(AlvariaPermanentException.class);
        // the server forgets the session: the next send finds out, and the component creates a new one
        simulator.sessions().stream().map(SessionRecord::sessionId).forEach(simulator::dropSession);
        producer.sendBody("alvaria-messaging:sendText?interactionId=4321", "three");

        // through the file bridge and its error handling: one rejected, one redelivered until it gives up
        Path inbox = ROOT.resolve("inbox");
        Files.writeString(inbox.resolve("unknown.txt"), "Interaction: 9999\n\nnobody is listening");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(inbox.resolve(".failed/unknown.txt")));
        simulator.setFaults(Faults.NONE.withUnavailable(1.0, 0));
        Files.writeString(inbox.resolve("down.txt"), "the service is down");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(inbox.resolve(".failed/down.txt")));
        simulator.setFaults(Faults.NONE);

        String metrics = get("/observe/metrics").body();
        assertThat(value(metrics, "alvaria_messaging_messages_total", "operation", "sendText", "outcome", "success"))
                .isEqualTo(3);
        assertThat(value(metrics, "alvaria_messaging_messages_total", "operation", "notification",
                         "outcome", "success")).isEqualTo(1);
        assertThat(value(metrics, "alvaria_messaging_messages_total", "operation", "sendText", "outcome", "invalid"))
                .isEqualTo(1);
        assertThat(value(metrics, "alvaria_messaging_messages_total", "operation", "sendText",
                         "outcome", "permanent")).isEqualTo(2);
        assertThat(value(metrics, "alvaria_messaging_messages_total", "operation", "sendText",
                         "outcome", "retryable")).isEqualTo(6);
        assertThat(value(metrics, "alvaria_messaging_failures_total", "operation", "sendText", "status", "404"))
                .isEqualTo(2);
        assertThat(value(metrics, "alvaria_messaging_failures_total", "operation", "sendText", "status", "503"))
                .isEqualTo(6);
        assertThat(value(metrics, "alvaria_messaging_retries_total", "operation", "sendText")).isEqualTo(5);
        assertThat(value(metrics, "alvaria_messaging_request_seconds_count", "operation", "sendText",
                         "outcome", "success")).isEqualTo(3);
        assertThat(value(metrics, "alvaria_messaging_dead_lettered_total", "reason", "rejected")).isEqualTo(1);
        assertThat(value(metrics, "alvaria_messaging_dead_lettered_total", "reason", "retries-exhausted"))
                .isEqualTo(1);
        assertThat(value(metrics, "alvaria_messaging_token_fetches_total", "outcome", "success"))
                .isEqualTo(simulator.tokensIssued());
        assertThat(value(metrics, "alvaria_messaging_session_creations_total")).isEqualTo(2);
        assertThat(value(metrics, "alvaria_messaging_session_recreations_total")).isEqualTo(1);
        assertNoSecret(metrics);
    }

    private void startApp(String clientSecret) throws IOException {
        FileUtil.removeDir(ROOT.toFile());
        port = freePort();
        Map<String, Object> properties = new LinkedHashMap<>();
        // the server's own keys: surefire's alvaria.management.enabled=false, a JVM system property, wins over overrides
        properties.put("camel.management.enabled", "true");
        properties.put("camel.metrics.enabled", "true");
        properties.put("camel.management.port", String.valueOf(port));
        properties.put("camel.main.shutdown-timeout", "5");
        properties.put("alvaria.simulator.enabled", "false");
        properties.put("alvaria.file.inbox", ROOT.resolve("inbox").toString());
        properties.put("alvaria.dead-letter.default-uri", "file:" + ROOT.resolve("dead-letter"));
        properties.put("alvaria.redelivery.initial-delay", "10");
        properties.put("alvaria.redelivery.maximum-delay", "50");
        String component = EmbeddedSimulatorConfiguration.COMPONENT;
        properties.put(component + "base-url", simulator.baseUrl());
        properties.put(component + "token-url", simulator.tokenUrl());
        properties.put(component + "api-key", API_KEY);
        properties.put(component + "client-secret", clientSecret);
        app = new Main();
        app.setPropertyPlaceholderLocations(AlvariaMessagingApplication.PROPERTIES);
        app.setOverrideProperties(properties);
        app.start();
    }

    private static SimulatorSettings settings(String clientSecret) {
        return SimulatorSettings.DEMO.withApiKey(API_KEY).withClient("demo-client", clientSecret);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                 .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertNoSecret(String output) {
        SECRETS.scan("a health or metrics answer", output);
    }

    /** The value of the Prometheus sample with this name and these labels (and no others than Camel adds). */
    private static double value(String metrics, String name, String... labels) {
        return metrics.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> {
                    for (int i = 0; i < labels.length; i += 2) {
                        if (!line.contains(labels[i] + "=\"" + labels[i + 1] + "\"")) {
                            return false;
                        }
                    }
                    return true;
                })
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .reduce(Double::sum).orElseThrow(() -> new AssertionError(
                        "no sample " + name + " " + String.join(",", labels) + " in\n" + metrics));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
