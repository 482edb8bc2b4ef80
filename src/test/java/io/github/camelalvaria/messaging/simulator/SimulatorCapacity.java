package io.github.camelalvaria.messaging.simulator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many sendText calls a second the simulator answers, faults off, from the JDK HttpClient in this same JVM
 * (so client and server share the cores: the figure is a floor of the simulator's own capacity). It also prints the
 * CPU time the server's threads spent a request, which holds when other work shares the machine.
 *
 * <p>Arguments: {@code [requests=20000] [inFlight=16,64] [workerThreads=settings default]}. Run with
 * {@code mvn -B -o resources:resources compiler:compile resources:testResources compiler:testCompile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.github.camelalvaria.messaging.simulator.SimulatorCapacity
 * -Dexec.args="20000 16,64"}.
 */
public final class SimulatorCapacity {

    private SimulatorCapacity() {
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int[] inFlights = Arrays.stream((args.length > 1 ? args[1] : "16,64").split(","))
                .mapToInt(Integer::parseInt).toArray();
        SimulatorSettings settings = args.length > 2
                ? SimulatorSettings.DEMO.withWorkerThreads(Integer.parseInt(args[2])) : SimulatorSettings.DEMO;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        try (AlvariaSimulator simulator = AlvariaSimulator.start(settings)) {
            String token = new SimulatorClient(http, simulator).token();
            HttpRequest sendText = HttpRequest.newBuilder(URI.create(simulator.baseUrl()
                            + SimulatorClient.messagingPath("agent-1", "sendText")))
                    .header("Authorization", "Bearer " + token)
                    .header("x-api-key", settings.apiKey())
                    .header("via-client-sessionid", "capacity")
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(SimulatorClient.DEMO_BODY_TEXT))
                    .build();
            System.out.printf("simulator with %d worker threads on %d cores%n", settings.workerThreads(),
                    Runtime.getRuntime().availableProcessors());
            for (int inFlight : inFlights) {
                run(http, sendText, Math.min(requests, 5_000), inFlight); // warm-up: JIT and connections
                simulator.clearRecord();
                long serverCpuBefore = serverCpuNanos();
                Result result = run(http, sendText, requests, inFlight);
                double serverMicrosPerRequest = (serverCpuNanos() - serverCpuBefore) / 1e3 / requests;
                System.out.printf("%d sendText, %d in flight: %.0f requests/s, latency p50 %.2f ms, p99 %.2f ms, "
                                + "%d not 202, %d recorded; simulator CPU %.0f µs a request (%.0f requests/s a core)%n",
                        requests, inFlight, result.perSecond(), result.p50Millis(), result.p99Millis(),
                        result.failures(), simulator.record().acceptedCount(), serverMicrosPerRequest,
                        1e6 / serverMicrosPerRequest);
                simulator.clearRecord();
            }
        }
    }

    /** CPU time of the server's threads: the simulator's workers and the JDK server's dispatcher. */
    private static long serverCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (thread != null && (thread.getThreadName().startsWith("alvaria-simulator")
                    || thread.getThreadName().equals("HTTP-Dispatcher"))) {
                total += Math.max(0, threads.getThreadCpuTime(thread.getThreadId()));
            }
        }
        return total;
    }

    private record Result(double perSecond, double p50Millis, double p99Millis, int failures) {
    }

    private static Result run(HttpClient http, HttpRequest request, int requests, int inFlight)
            throws InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(requests);
        AtomicInteger failures = new AtomicInteger();
        long[] latencies = new long[requests];
        long started = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            slots.acquire();
            int index = i;
            long sent = System.nanoTime();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                latencies[index] = System.nanoTime() - sent;
                if (failure != null || response.statusCode() != 202) {
                    failures.incrementAndGet();
                }
                slots.release();
                done.countDown();
            });
        }
        done.await();
        double seconds = (System.nanoTime() - started) / 1e9;
        Arrays.sort(latencies);
        return new Result(requests / seconds, latencies[requests / 2] / 1e6, latencies[requests * 99 / 100] / 1e6,
                failures.get());
    }
}
