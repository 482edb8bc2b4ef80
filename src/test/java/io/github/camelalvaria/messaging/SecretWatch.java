package io.github.camelalvaria.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Message;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.util.URISupport;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Watches a whole test class for leaked secrets: every log line at DEBUG (this project, Camel, HttpClient), and every
 * exception, message, file, endpoint URI or HTTP answer the test hands over, is searched for the api keys, client
 * secrets and passwords it was told of and for any access token the simulator issued. The class fails after its last
 * test when one is found, naming where but never printing the secret; it also fails when no DEBUG line of the
 * component was captured, since a watch that sees nothing proves nothing.
 *
 * <p>Register it with {@code @RegisterExtension static final SecretWatch secrets = new SecretWatch();}.
 */
public final class SecretWatch implements BeforeAllCallback, AfterAllCallback {

    private static final List<String> DEBUG_LOGGERS
            = List.of("io.github.camelalvaria", "alvaria", "org.apache.camel", "org.apache.hc.client5");

    /** What HttpClient's header and wire logs show is the request itself, by design; they stay off, as shipped. */
    private static final List<String> WIRE_LOGGERS
            = List.of("org.apache.hc.client5.http.headers", "org.apache.hc.client5.http.wire");

    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final Set<String> leaks = new LinkedHashSet<>();
    private final AtomicLong componentDebugLines = new AtomicLong();
    private final Map<String, Level> previousLevels = new LinkedHashMap<>();
    private final LoggerContext logContext = (LoggerContext) LogManager.getContext(false);
    private Capture capture;

    /** Something to look for, under a name that the failure gives instead of the value. */
    public synchronized SecretWatch secret(String name, String value) {
        if (value != null && !value.isEmpty()) {
            secrets.put(name, value);
        }
        return this;
    }

    /** The api key and client secret of the simulator's tenant; its tokens are found by their prefix anyway. */
    public SecretWatch secretsOf(SimulatorSettings tenant) {
        return secret("api key", tenant.apiKey()).secret("client secret", tenant.clientSecret());
    }

    public SecretWatch secretsOf(AlvariaSimulator simulator) {
        return secretsOf(simulator.settings());
    }

    /** Searches text shown somewhere users can see it (an exception message, a dead letter, a health answer...). */
    public synchronized void scan(String where, Object text) {
        String value = String.valueOf(text);
        secrets.forEach((name, secret) -> {
            if (value.contains(secret)) {
                leaks.add(name + " in " + where);
            }
        });
        if (value.contains(AlvariaSimulator.TOKEN_PREFIX)) {
            leaks.add("an access token in " + where);
        }
    }

    /** The failure and its causes: messages, and the answer a typed HTTP failure carries. */
    public void scanException(String where, Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            scan(where + " (" + cause.getClass().getSimpleName() + ")", cause);
            if (cause instanceof HttpOperationFailedException http) {
                scan(where + " (response body)", http.getResponseBody());
                scan(where + " (response headers)", http.getResponseHeaders());
            }
        }
    }

    /** A message as a dead-letter channel holds it: body and every header. */
    public void scanMessage(String where, Message message) {
        scan(where + " (body)", message.getBody(String.class));
        scan(where + " (headers)", message.getHeaders());
    }

    /** Every regular file under the folder, as text (a dead-letter folder, .error.json files, a child JVM's log). */
    public void scanFiles(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                scan(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every endpoint's URI in the sanitized form Camel prints and logs, and its toString. */
    public void scanEndpoints(CamelContext context) {
        for (Endpoint endpoint : context.getEndpoints()) {
            String where = "endpoint " + endpoint.getClass().getSimpleName();
            scan(where, URISupport.sanitizeUri(endpoint.getEndpointUri()));
            scan(where, endpoint);
        }
    }

    @Override
    public void beforeAll(ExtensionContext extension) {
        capture = new Capture(this);
        capture.start();
        logContext.getConfiguration().addAppender(capture);
        logContext.getRootLogger().addAppender(capture);
        for (String logger : DEBUG_LOGGERS) {
            raise(logger, Level.DEBUG);
        }
        for (String logger : WIRE_LOGGERS) {
            raise(logger, Level.INFO);
        }
    }

    private void raise(String logger, Level level) {
        previousLevels.put(logger, LogManager.getLogger(logger).getLevel());
        Configurator.setLevel(logger, level);
    }

    @Override
    public void afterAll(ExtensionContext extension) {
        logContext.getRootLogger().removeAppender(capture);
        capture.stop();
        previousLevels.forEach(Configurator::setLevel);
        assertThat(componentDebugLines.get()).as("DEBUG lines of the component captured").isPositive();
        synchronized (this) {
            assertThat(leaks).as("secrets found (the secret itself is not shown)").isEmpty();
        }
    }

    /** Scans each line as it is logged: the secrets are registered before the test makes anything log them. */
    private static final class Capture extends AbstractAppender {

        private final SecretWatch watch;

        Capture(SecretWatch watch) {
            super("secret-watch-" + System.nanoTime(), null,
                  PatternLayout.newBuilder().withPattern("%-5level %c - %msg %throwable").build(), true,
                  Property.EMPTY_ARRAY);
            this.watch = watch;
        }

        @Override
        public void append(LogEvent event) {
            if (event.getLevel() == Level.DEBUG && event.getLoggerName().startsWith("io.github.camelalvaria")) {
                watch.componentDebugLines.incrementAndGet();
            }
            String line = ((PatternLayout) getLayout()).toSerializable(event);
            watch.scan("log line of " + event.getLoggerName() + " at " + event.getLevel(), line);
        }
    }
}
