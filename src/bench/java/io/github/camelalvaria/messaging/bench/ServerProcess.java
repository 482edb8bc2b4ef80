package io.github.camelalvaria.messaging.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A {@link LoopbackServer} in a JVM of its own, so that the benchmark's JVM holds only the client: its threads, heap,
 * allocation and file descriptors are the client's. The server's CPU time tells its own capacity.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final String baseUrl;

    private ServerProcess(Process process, String baseUrl) {
        this.process = process;
        this.baseUrl = baseUrl;
    }

    /** Starts a server that answers messaging calls after {@code delay} and issues tokens valid for the given time. */
    static ServerProcess start(Duration delay, int tokenExpiresInSeconds, int ioThreads) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx1g", "-XX:+UseParallelGC",
                "-cp", System.getProperty("java.class.path"), LoopbackServer.class.getName(),
                String.valueOf(delay.toMillis()), String.valueOf(tokenExpiresInSeconds), String.valueOf(ioThreads)))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(LoopbackServer.PORT_LINE)) {
                return new ServerProcess(process, "http://127.0.0.1:" + line.substring(LoopbackServer.PORT_LINE.length()));
            }
        }
        process.destroyForcibly();
        throw new IOException("the loopback server process ended without printing its port");
    }

    String baseUrl() {
        return baseUrl;
    }

    /** CPU time the server process has used so far (all its threads). */
    Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** The server's counters: tokens, sessions, messages. */
    @SuppressWarnings("unchecked")
    Map<String, Long> stats() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl + LoopbackServer.STATS_PATH))
                                                        .timeout(Duration.ofSeconds(10)).build(),
                                                HttpResponse.BodyHandlers.ofByteArray());
        Map<String, Number> raw = new ObjectMapper().readValue(answer.body(), Map.class);
        return Map.of("tokens", raw.get("tokens").longValue(), "sessions", raw.get("sessions").longValue(),
                      "messages", raw.get("messages").longValue());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
