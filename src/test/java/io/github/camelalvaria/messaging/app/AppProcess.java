package io.github.camelalvaria.messaging.app;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;

/**
 * The app in a JVM of its own, started the way an operator starts it: {@code java -cp …
 * AlvariaMessagingApplication} in the repository root, so it reads the root {@code application.properties} and every
 * route in {@code routes/}. The tenant comes from the environment, as README tells operators to give it (secrets never
 * on the command line); other settings are JVM system properties, which override {@code application.properties}.
 * Logging is the app's root {@code simplelogger.properties} (the root folder is on the class path, as {@code mvn
 * exec:java} has it) with this project and Camel raised to DEBUG by system properties, as an operator hunting a
 * problem would, and the Kafka consumer at INFO (the partitions each rebalance assigns, the offsets they resume from);
 * the pins of camel-main's option printers at INFO are not named, so they hold. The console goes to a file, for the
 * test to read and scan.
 */
final class AppProcess implements AutoCloseable {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath();
    private static final List<String> LOGGING = Stream.of(
            "org.apache.camel=debug", "io.github.camelalvaria=debug", "alvaria=debug",
            "org.apache.kafka.clients.consumer=info").map(level -> "-Dorg.slf4j.simpleLogger.log." + level).toList();

    private static final Pattern CALL_LINE
            = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) DEBUG MessagingClient - .* in (\\d+) ms$",
                              Pattern.MULTILINE);

    private final Process process;
    private final Path log;

    private AppProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the app against the simulator's tenant; {@code sessionId} marks what this run delivered in the
     * simulator's record.
     */
    static AppProcess start(Path log, AlvariaSimulator simulator, String sessionId, Map<String, String> environment,
            Map<String, String> properties) throws IOException {
        Files.createDirectories(log.getParent());
        Path argumentFile = log.resolveSibling(log.getFileName() + ".args");
        List<String> arguments = new ArrayList<>();
        // a JVM that starts fast and stays small: the machine runs other builds too
        arguments.add("-XX:TieredStopAtLevel=1");
        arguments.add("-XX:+UseSerialGC");
        arguments.add("-Xmx256m");
        arguments.addAll(LOGGING);
        properties.forEach((name, value) -> arguments.add("-D" + name + "=" + value));
        arguments.add("-cp");
        arguments.add(appClassPath());
        arguments.add(AlvariaMessagingApplication.class.getName());
        // an argument file: a class path may be longer than a command line can be
        Files.write(argumentFile, arguments.stream().map(AppProcess::quoted).toList(), StandardCharsets.UTF_8);

        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "@" + argumentFile)
                .directory(REPOSITORY.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> variables = builder.environment();
        variables.keySet().removeIf(name -> name.startsWith("ALVARIA_"));
        SimulatorSettings tenant = simulator.settings();
        variables.put("ALVARIA_ORG_ID", tenant.orgId());
        variables.put("ALVARIA_API_KEY", tenant.apiKey());
        variables.put("ALVARIA_CLIENT_ID", tenant.clientId());
        variables.put("ALVARIA_CLIENT_SECRET", tenant.clientSecret());
        variables.put("ALVARIA_TOKEN_URL", simulator.tokenUrl());
        variables.put("ALVARIA_BASE_URL", simulator.baseUrl());
        variables.put("ALVARIA_SESSION_ID", sessionId);
        variables.putAll(environment);
        return new AppProcess(builder.start(), log);
    }

    /**
     * The app's classes, the root folder and the runtime dependencies, as {@code mvn exec:java} has them (the
     * dependencies as maven-dependency-plugin lists them in pom.xml): none of the tests' classes, resources or
     * libraries.
     */
    private static String appClassPath() throws IOException {
        String classes = System.getProperty("alvaria.app.classes");
        String dependencies = System.getProperty("alvaria.app.dependencies");
        if (classes == null || dependencies == null) {
            throw new IllegalStateException("alvaria.app.classes and alvaria.app.dependencies are not set:"
                                            + " run this test with Maven (mvn verify -Dtest=...), which sets them");
        }
        return classes + File.pathSeparator + REPOSITORY + File.pathSeparator
               + Files.readString(Path.of(dependencies)).strip();
    }

    /** Java's argument file syntax: one argument a line, in quotes, a backslash escaped. */
    private static String quoted(String argument) {
        return '"' + argument.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** What the app printed so far. */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The most calls to the API in flight at one moment, as its DEBUG line per answered call tells ({@code 12:00:00.250
     * DEBUG MessagingClient - sendText … -> 202 in 40 ms}: it was sent 40 ms before it was logged). Calls cut short by
     * a kill are not logged.
     */
    int mostCallsAtOnce() {
        List<long[]> calls = CALL_LINE.matcher(output()).results()
                .map(line -> {
                    long end = LocalTime.parse(line.group(1)).toNanoOfDay() / 1_000_000;
                    return new long[] { end - Long.parseLong(line.group(2)), end };
                }).toList();
        int most = 0;
        for (long[] call : calls) {
            // every call that had begun and not yet ended when this one began, and this one
            long started = call[0];
            most = Math.max(most, (int) calls.stream().filter(other -> other[0] <= started && other[1] > started)
                    .count());
        }
        return most;
    }

    /** {@code kill -9}: no shutdown hook, no graceful anything. Returns the exit code once it is gone. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return awaitExit(Duration.ofSeconds(10));
    }

    /** {@code kill -STOP}, then {@code kill -CONT} after {@code pause}: the JVM stands still, as in a long GC pause. */
    void freeze(Duration pause) throws IOException, InterruptedException {
        Freeze.of(process, pause);
    }

    /** {@code kill} (SIGTERM): camel-main's shutdown hook stops the routes gracefully. */
    int terminate(Duration patience) throws InterruptedException {
        process.destroy();
        return awaitExit(patience);
    }

    /** Waits for the app to end; returns its exit code. */
    int awaitExit(Duration patience) throws InterruptedException {
        if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the app did not exit within " + patience + "; its output: " + log);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
