package io.github.camelalvaria.messaging.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The performance benchmark of issue 6, all figures side by side in one run: throughput and latency of a
 * {@code direct -> alvaria-messaging:sendText} route against the raw Apache HttpClient 5 client and a camel-http
 * {@code http:} route; a short blocking step after the call, with and without {@code threads()}; 10,000 requests in
 * flight against a server that answers after 1 s; token and session fetches under continuous load; the app's start-up;
 * allocation per message with JMH's GC profiler. Prints the table and exits with status 1 when a target is missed.
 *
 * <p>Run: {@code mvn -B -Pbench verify} (README, "Performance"). System properties: {@code bench.rounds} (5),
 * {@code bench.requests} (20000 a client, window and round; eight times that at 256 in flight), {@code bench.slices}
 * (8 turns a round; 64 at 256 in flight),
 * {@code bench.warmUpSeconds} (4 a client and window), {@code bench.scale} (10000), {@code bench.scaleRounds} (3),
 * {@code bench.tokenLifetime} (4 s), {@code bench.tokenSeconds} (20), {@code bench.startupRounds} (5),
 * {@code bench.parts} (throughput,scale,tokens,startup,jmh,rateLimit), {@code bench.basedir} (the working directory),
 * {@code bench.rateLimitMessages} (20000), {@code bench.rateLimit} (500/s), {@code bench.rateLimitRuns} (endpoint
 * options of each rate-limit run, ';' apart, an empty one the defaults: rateLimitGate=false;;maxRequestsPerSecond=490).
 */
public final class PerformanceBenchmark {

    private static final int[] WINDOWS = { 1, 16, 256 };
    /**
     * At 256 in flight, where the camel-http share is taken, a round has this many times the turns. A client set
     * against itself there moves ten per cent from turn to turn, with slices of 0.1 s or of 2 s alike; only the
     * number of turns narrows the median.
     */
    private static final int SHARE_TURNS = 8;
    /** The three compared, and the component's producer called without a route, to set against the route. */
    private static final List<String> CLIENTS = List.of("raw HttpClient 5", "alvaria-messaging", "camel-http http:",
                                                        "producer, no route");

    private final int rounds = Integer.getInteger("bench.rounds", 5);
    private final int requests = Integer.getInteger("bench.requests", 20_000);
    private final int slices = Integer.getInteger("bench.slices", 8);
    private final int warmUpSeconds = Integer.getInteger("bench.warmUpSeconds", 4);
    private final int scale = Integer.getInteger("bench.scale", 10_000);
    private final int scaleRounds = Integer.getInteger("bench.scaleRounds", 3);
    private final int scaleConnections = Integer.getInteger("bench.scaleConnections", 10_000);
    private final int tokenLifetime = Integer.getInteger("bench.tokenLifetime", 4);
    private final int tokenSeconds = Integer.getInteger("bench.tokenSeconds", 20);
    private final int startupRounds = Integer.getInteger("bench.startupRounds", 5);
    private final int rateLimitMessages = Integer.getInteger("bench.rateLimitMessages", 20_000);
    private final int rateLimit = Integer.getInteger("bench.rateLimit", 500);
    private final List<String> rateLimitRuns = List.of(System.getProperty(
            "bench.rateLimitRuns", "rateLimitGate=false;;maxRequestsPerSecond=490").split(";"));
    private final List<String> parts = List.of(System.getProperty(
            "bench.parts", "throughput,scale,tokens,startup,jmh,rateLimit").split(","));
    private final Path basedir = Path.of(System.getProperty("bench.basedir", "."));

    private final List<String> table = new ArrayList<>();
    private final List<String> missed = new ArrayList<>();

    private PerformanceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        PerformanceBenchmark bench = new PerformanceBenchmark();
        bench.runAll();
        System.exit(bench.missed.isEmpty() ? 0 : 1);
    }

    private void runAll() throws Exception {
        String machine = String.format("%d cores, %d MB max heap, JDK %s (%s)",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"), System.getProperty("os.name"));
        if (parts.contains("throughput")) {
            throughputAndLatency();
        }
        if (parts.contains("scale")) {
            scale();
        }
        if (parts.contains("tokens")) {
            tokensAndSessions();
        }
        if (parts.contains("startup")) {
            startUp();
        }
        if (parts.contains("jmh")) {
            allocation();
        }
        if (parts.contains("rateLimit")) {
            rateLimit();
        }
        System.out.println();
        System.out.println("=== alvaria-messaging benchmark: " + machine + "; medians of the rounds ===");
        table.forEach(System.out::println);
        System.out.println(missed.isEmpty() ? "All targets met." : "MISSED: " + String.join("; ", missed));
    }

    private void target(String name, boolean met, String figure) {
        table.add(String.format("| %-62s | %-34s | %s |", name, figure, met ? "met" : "MISSED"));
        if (!met) {
            missed.add(name + " (" + figure + ")");
        }
    }

    // --- 1 and 2: throughput and latency against the raw client and camel-http --------------------------------------

    /**
     * What one client did in a round: requests per second over all its slices, latency percentiles over all its
     * requests, and per message the bytes allocated and the CPU time of the whole benchmark JVM (the server runs in
     * its own).
     */
    private record Run(double perSecond, long p50Nanos, long p99Nanos, double bytesPerMessage, double cpuMicros) {

        static Run of(List<Slice> slices) {
            int requests = slices.stream().mapToInt(Slice::requests).sum();
            long[] latencies = new long[requests];
            int at = 0;
            for (Slice slice : slices) {
                System.arraycopy(slice.latencies(), 0, latencies, at, slice.requests());
                at += slice.requests();
            }
            Arrays.sort(latencies);
            double seconds = slices.stream().mapToLong(Slice::nanos).sum() / 1e9;
            return new Run(requests / seconds, latencies[requests / 2], latencies[requests * 99 / 100],
                           slices.stream().mapToLong(Slice::allocatedBytes).sum() / (double) requests,
                           slices.stream().mapToLong(Slice::cpuNanos).sum() / 1e3 / requests);
        }
    }

    /** One uninterrupted stretch of sending by one client. */
    private record Slice(int requests, long nanos, long[] latencies, long allocatedBytes, long cpuNanos) {

        double perSecond() {
            return requests / (nanos / 1e9);
        }
    }

    /**
     * Each round gives every client {@code requests} messages in {@code slices} slices (at 256 in flight
     * {@link #SHARE_TURNS} times as many slices of the same size), taken in turns whose order rotates slice by
     * slice. A ratio compares two clients' slices of the same turn, a second or less apart, and the target is the
     * median of all of them: a stretch of CPU stolen by the host's other guests, or a GC of the server, then moves a
     * few ratios instead of whole rounds.
     */
    private void throughputAndLatency() throws Exception {
        Map<String, Map<Integer, List<Run>>> runs = new LinkedHashMap<>();
        Map<Integer, List<Double>> overRaw = new LinkedHashMap<>();
        Map<Integer, List<Double>> overHttp = new LinkedHashMap<>();
        Map<Integer, List<Double>> producerOverRaw = new LinkedHashMap<>();
        List<Double> rawOverHttp = new ArrayList<>();
        double serverMicros;
        double stolenPercent;
        List<Double> blocking = new ArrayList<>();
        List<Double> blockingOnThreads = new ArrayList<>();
        int stepsOnIoThreads;
        int sliceRequests = requests / slices;
        try (ServerProcess server = ServerProcess.start(Duration.ZERO, 3599, 1);
             BenchClients clients = new BenchClients(server.baseUrl(), 256, "bench-session")) {
            ExecutorService callers = Executors.newFixedThreadPool(256);
            Map<String, Supplier<CompletableFuture<?>>> senders = new LinkedHashMap<>();
            senders.put(CLIENTS.get(0), clients::raw);
            senders.put(CLIENTS.get(1), clients::component);
            senders.put(CLIENTS.get(2), () -> clients.http(callers));
            senders.put(CLIENTS.get(3), clients::producerWithoutRoute);
            // warm-up: the JIT (both JVMs), connections, the token; by time, so that a slow machine warms up as long
            for (int window : WINDOWS) {
                for (var sender : senders.values()) {
                    long until = System.nanoTime() + Duration.ofSeconds(warmUpSeconds).toNanos();
                    while (System.nanoTime() < until) {
                        run(sender, window, sliceRequests);
                    }
                }
            }
            long messagesBefore = server.stats().get("messages");
            Duration cpuBefore = server.cpuTime();
            MachineTicks machineBefore = MachineTicks.now();
            List<String> names = new ArrayList<>(senders.keySet());
            for (int round = 1; round <= rounds; round++) {
                for (int window : WINDOWS) {
                    Map<String, List<Slice>> thisRound = new LinkedHashMap<>();
                    int turns = window == 256 ? slices * SHARE_TURNS : slices;
                    for (int slice = 0; slice < turns; slice++) {
                        List<String> order = new ArrayList<>(names);
                        Collections.rotate(order, round + slice);
                        for (String client : order) {
                            thisRound.computeIfAbsent(client, k -> new ArrayList<>())
                                    .add(run(senders.get(client), window, sliceRequests));
                        }
                    }
                    Map<String, Run> summary = new LinkedHashMap<>();
                    for (String client : names) {
                        Run run = Run.of(thisRound.get(client));
                        summary.put(client, run);
                        runs.computeIfAbsent(client, k -> new LinkedHashMap<>())
                                .computeIfAbsent(window, k -> new ArrayList<>()).add(run);
                    }
                    overRaw.computeIfAbsent(window, k -> new ArrayList<>())
                            .addAll(pairedRatios(thisRound, CLIENTS.get(1), CLIENTS.get(0)));
                    overHttp.computeIfAbsent(window, k -> new ArrayList<>())
                            .addAll(pairedRatios(thisRound, CLIENTS.get(1), CLIENTS.get(2)));
                    producerOverRaw.computeIfAbsent(window, k -> new ArrayList<>())
                            .addAll(pairedRatios(thisRound, CLIENTS.get(3), CLIENTS.get(0)));
                    if (window == 256) {
                        rawOverHttp.addAll(pairedRatios(thisRound, CLIENTS.get(0), CLIENTS.get(2)));
                    }
                    System.out.printf("round %d, %3d in flight: %s%n", round, window, describe(summary));
                }
            }
            serverMicros = (server.cpuTime().minus(cpuBefore).toNanos() / 1e3)
                           / (server.stats().get("messages") - messagesBefore);
            stolenPercent = machineBefore.stolenPercentSince();
            int blockingRequests = Math.max(1_000, requests / 5);
            for (int round = 1; round <= rounds; round++) {
                blocking.add(run(() -> clients.blockingStep(false), 256, blockingRequests).perSecond());
                blockingOnThreads.add(run(() -> clients.blockingStep(true), 256, blockingRequests).perSecond());
                System.out.printf("round %d, 1 ms blocking step after the call, 256 in flight: %.0f msg/s on the I/O"
                                  + " threads, %.0f msg/s after threads(16)%n", round, blocking.get(round - 1),
                                  blockingOnThreads.get(round - 1));
            }
            stepsOnIoThreads = clients.blockingStepsOnIoThreads.get();
            callers.shutdownNow();
            callers.awaitTermination(10, TimeUnit.SECONDS);
        }

        table.add(String.format("Server: LoopbackServer in its own JVM, 1 I/O thread: %.0f µs CPU a request"
                                + " (%,.0f requests/s per core). CPU time the host gave other guests during the"
                                + " throughput turns (steal): %.0f%%.", serverMicros, 1e6 / serverMicros,
                                stolenPercent));
        table.add("");
        table.add(String.format("| %9s | %-18s | %12s | %9s | %9s | %12s | %11s |", "in flight", "client",
                                "messages/s", "p50 ms", "p99 ms", "alloc B/msg", "CPU µs/msg"));
        table.add("|---:|---|---:|---:|---:|---:|---:|");
        for (int window : WINDOWS) {
            for (String client : CLIENTS) {
                List<Run> all = runs.get(client).get(window);
                table.add(String.format("| %9d | %-18s | %,12.0f | %9.3f | %9.3f | %,12.0f | %11.0f |", window, client,
                                        median(all, Run::perSecond), median(all, r -> r.p50Nanos() / 1e6),
                                        median(all, r -> r.p99Nanos() / 1e6), median(all, Run::bytesPerMessage),
                                        median(all, Run::cpuMicros)));
            }
        }
        table.add("");
        table.add(String.format("| %-62s | %-34s | %s |", "target", "measured (medians)",
                                "result"));
        table.add("|---|---|---|");
        for (int window : WINDOWS) {
            double ratio = medianOf(overRaw.get(window));
            target("throughput >= 0.9 x raw client at " + window + " in flight", ratio >= 0.9,
                   ratioFigure(overRaw.get(window)));
        }
        // the raw client's lead over camel-http is the most any client on HttpClient can show on this machine, with
        // the server on the same cores: the component is held to a share of that lead, not to a fixed multiple. The
        // share is taken turn by turn, as every other ratio: in one turn, (component / http) / (raw / http) is the
        // component's speed over the raw client's, camel-http's slice dividing out
        List<Double> shares = overRaw.get(256);
        // three decimals: at two, a share just under the target printed as 0.95 beside MISSED
        target("camel-http lead >= 0.95 x the raw client's, 256 in flight", medianOf(shares) >= 0.95,
               String.format("share %.3f %s", medianOf(shares), middleHalf(shares)));
        table.add(String.format("| %-62s | %-34s | %s |", "alvaria-messaging / camel-http http: at 256 in flight",
                                ratioFigure(overHttp.get(256)), "(reported)"));
        table.add(String.format("| %-62s | %-34s | %s |", "the raw client / camel-http http: at 256 in flight",
                                ratioFigure(rawOverHttp), "(reported)"));
        for (int window : WINDOWS) {
            table.add(String.format("| %-62s | %-34s | %s |", "the producer without a route / raw client, " + window
                                                              + " in flight", ratioFigure(producerOverRaw.get(window)),
                                    "(reported)"));
        }
        for (int window : new int[] { 1, 16 }) {
            List<Run> raw = runs.get(CLIENTS.get(0)).get(window);
            List<Run> alvaria = runs.get(CLIENTS.get(1)).get(window);
            double p50 = median(alvaria, r -> r.p50Nanos() / 1e6) - median(raw, r -> r.p50Nanos() / 1e6);
            double p99 = median(alvaria, r -> r.p99Nanos() / 1e6) - median(raw, r -> r.p99Nanos() / 1e6);
            String figure = String.format("p50 %+.3f ms, p99 %+.3f ms", p50, p99);
            if (window == 16) {
                target("p99 overhead over the raw client <= 1 ms at 16 in flight", p99 <= 1.0, figure);
            } else {
                table.add(String.format("| %-62s | %-34s | %s |", "latency overhead over the raw client at 1 in flight",
                                        figure, "(reported)"));
            }
        }
        table.add(String.format("| %-62s | %-34s | %s |",
                                "1 ms blocking step after the call, 256 in flight (" + stepsOnIoThreads + " on I/O)",
                                String.format("%,.0f msg/s; threads(16): %,.0f", medianOf(blocking),
                                              medianOf(blockingOnThreads)), "(reported)"));
    }

    /** Turn by turn, the first client's messages per second over the second's. */
    private static List<Double> pairedRatios(Map<String, List<Slice>> round, String client, String against) {
        List<Slice> mine = round.get(client);
        List<Slice> theirs = round.get(against);
        List<Double> ratios = new ArrayList<>();
        for (int turn = 0; turn < mine.size(); turn++) {
            ratios.add(mine.get(turn).perSecond() / theirs.get(turn).perSecond());
        }
        return ratios;
    }

    /** The median ratio and the middle half of them. */
    private static String ratioFigure(List<Double> ratios) {
        return String.format("%.2f x %s", medianOf(ratios), middleHalf(ratios));
    }

    private static String middleHalf(List<Double> ratios) {
        List<Double> sorted = new ArrayList<>(ratios);
        sorted.sort(Double::compare);
        return String.format("(middle half %.2f to %.2f of %d turns)", sorted.get(sorted.size() / 4),
                             sorted.get(sorted.size() * 3 / 4), sorted.size());
    }

    private static String describe(Map<String, Run> round) {
        StringBuilder line = new StringBuilder();
        round.forEach((client, run) -> line.append(String.format("%s %,.0f/s p99 %.2f ms %.0f µs CPU; ", client,
                                                                 run.perSecond(), run.p99Nanos() / 1e6,
                                                                 run.cpuMicros())));
        return line.toString();
    }

    /** Sends {@code requests} with at most {@code window} in flight, from this one thread. */
    private static Slice run(Supplier<CompletableFuture<?>> send, int window, int requests) throws Exception {
        Semaphore slots = new Semaphore(window);
        CountDownLatch done = new CountDownLatch(requests);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] latencies = new long[requests];
        long allocatedBefore = allocatedBytes();
        long cpuBefore = processCpuNanos();
        long started = System.nanoTime();
        for (int i = 0; i < requests && failure.get() == null; i++) {
            slots.acquire();
            int index = i;
            long sent = System.nanoTime();
            send.get().whenComplete((ignored, failed) -> {
                latencies[index] = System.nanoTime() - sent;
                if (failed != null) {
                    failure.compareAndSet(null, failed);
                }
                slots.release();
                done.countDown();
            });
        }
        if (failure.get() == null && !done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException(done.getCount() + " requests never completed");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a benchmark request failed", failure.get());
        }
        return new Slice(requests, System.nanoTime() - started, latencies, allocatedBytes() - allocatedBefore,
                         processCpuNanos() - cpuBefore);
    }

    /**
     * The machine's CPU time so far, all of it and the part the host gave other virtual machines (steal), in ticks of
     * {@code /proc/stat}; none where there is no such file.
     */
    private record MachineTicks(long total, long stolen) {

        static MachineTicks now() throws IOException {
            Path stat = Path.of("/proc/stat");
            if (!Files.isReadable(stat)) {
                return new MachineTicks(0, 0);
            }
            // cpu user nice system idle iowait irq softirq steal ...
            String[] fields = Files.readAllLines(stat).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                total += Long.parseLong(fields[i]);
            }
            return new MachineTicks(total, fields.length > 8 ? Long.parseLong(fields[8]) : 0);
        }

        double stolenPercentSince() throws IOException {
            MachineTicks later = now();
            return later.total == total ? 0 : 100.0 * (later.stolen - stolen) / (later.total - total);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Bytes allocated so far by the live threads of this JVM (what JMH's GC profiler counts too). */
    private static long allocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).filter(b -> b > 0).sum();
    }

    // --- 3: 10,000 in flight against a server that answers after 1 s --------------------------------------------------

    private void scale() throws Exception {
        List<Double> seconds = new ArrayList<>();
        List<Double> warmSeconds = new ArrayList<>();
        List<Double> peakThreads = new ArrayList<>();
        List<Double> peakHeap = new ArrayList<>();
        List<Double> liveHeap = new ArrayList<>();
        List<Double> perConnection = new ArrayList<>();
        long failed = 0;
        try (ServerProcess server = ServerProcess.start(Duration.ofSeconds(1), 3599, 2)) {
            // round 0 warms both JVMs up (a live server is warm too) and is not counted
            for (int round = 0; round <= scaleRounds; round++) {
                Duration serverCpu = server.cpuTime();
                Burst burst = burst(server.baseUrl());
                serverCpu = server.cpuTime().minus(serverCpu);
                System.out.printf("%s %,d in flight on %,d connections, server delay 1 s: all done in %.2f s"
                                  + " (half in %.2f s, 90%% in %.2f s), %d failed; again on the open connections:"
                                  + " %.2f s, %d failed; peak %d threads, peak heap %.0f MB, %.0f MB live with the"
                                  + " connections open (%.0f MB before the first, %.1f KB a connection); server CPU"
                                  + " %.1f s%n",
                                  round == 0 ? "warm-up," : "round " + round + ",", scale, scaleConnections,
                                  burst.seconds(), burst.halfSeconds(), burst.ninetyPercentSeconds(), burst.failed(),
                                  burst.warmSeconds(), burst.warmFailed(), burst.peakThreads(),
                                  burst.peakHeapMegabytes(), burst.liveHeapMegabytes(),
                                  burst.liveHeapBeforeMegabytes(), burst.kilobytesPerConnection(scaleConnections),
                                  serverCpu.toMillis() / 1e3);
                if (round > 0) {
                    seconds.add(burst.seconds());
                    warmSeconds.add(burst.warmSeconds());
                    peakThreads.add((double) burst.peakThreads());
                    peakHeap.add(burst.peakHeapMegabytes());
                    liveHeap.add(burst.liveHeapMegabytes());
                    perConnection.add(burst.kilobytesPerConnection(scaleConnections));
                    failed += burst.failed() + burst.warmFailed();
                }
            }
        }
        double total = medianOf(seconds);
        target(String.format("%,d in flight: all done within 1 s + 5 s, none failed", scale),
               total <= 6.0 && failed == 0, String.format("%.2f s (open connections: %.2f s), %d failed", total,
                                                          medianOf(warmSeconds), failed));
        target(String.format("%,d in flight: fewer than 64 JVM threads", scale), medianOf(peakThreads) < 64,
               String.format("peak %.0f threads", medianOf(peakThreads)));
        // live after a full GC, the connections open: what they hold, not what the collector has yet to free
        long maxHeap = Runtime.getRuntime().maxMemory() >> 20;
        target(String.format("%,d in flight: at most 150 MB live, connections open", scale),
               medianOf(liveHeap) <= 150,
               String.format("%.0f MB, %.1f KB a connection (-Xmx%dm, peak %.0f MB)", medianOf(liveHeap),
                             medianOf(perConnection), maxHeap, medianOf(peakHeap)));
    }

    private record Burst(double seconds, double halfSeconds, double ninetyPercentSeconds, long failed,
                         double warmSeconds, long warmFailed, int peakThreads, double peakHeapMegabytes,
                         double liveHeapBeforeMegabytes, double liveHeapMegabytes) {

        /** What the heap gained between the client's start and the connections being open, per connection. */
        double kilobytesPerConnection(int connections) {
            return (liveHeapMegabytes - liveHeapBeforeMegabytes) * 1024 / connections;
        }
    }

    /**
     * {@code scale} sends at once from this one thread, on a fresh CamelContext (a cold pool, no connection open), then
     * as many again on the connections the first burst opened.
     */
    private Burst burst(String baseUrl) throws Exception {
        var threads = ManagementFactory.getThreadMXBean();
        List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
        System.gc();
        threads.resetPeakThreadCount();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        // one connection per request in flight: HTTP/1.1 carries one request at a time on a connection
        try (BenchClients clients = new BenchClients(baseUrl, scaleConnections, "bench-session", false)) {
            double liveHeapBefore = liveHeapMegabytes();
            long[] cold = fire(clients);
            // the same again, now that the connections are open: the next burst of a campaign
            long[] warm = fire(clients);
            int peakThreads = threads.getPeakThreadCount();
            double peakHeap = heapPools.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum() / 1048576.0;
            return new Burst(cold[scale - 1] / 1e9, cold[scale / 2] / 1e9, cold[scale * 9 / 10] / 1e9, cold[scale],
                             warm[scale - 1] / 1e9, warm[scale], peakThreads, peakHeap, liveHeapBefore,
                             liveHeapMegabytes());
        }
    }

    /** The heap in use after a full GC: what is reachable. */
    private static double liveHeapMegabytes() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    }

    /** When each send completed, in nanoseconds from the first, sorted; the last element counts the failures. */
    private long[] fire(BenchClients clients) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(scale);
        AtomicLong failed = new AtomicLong();
        long[] finished = new long[scale + 1];
        long started = System.nanoTime();
        for (int i = 0; i < scale; i++) {
            int index = i;
            clients.component().whenComplete((ignored, failure) -> {
                finished[index] = System.nanoTime() - started;
                if (failure != null) {
                    failed.incrementAndGet();
                }
                done.countDown();
            });
        }
        if (!done.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException(done.getCount() + " of " + scale + " never completed");
        }
        Arrays.sort(finished, 0, scale);
        finished[scale] = failed.get();
        return finished;
    }

    // --- 4: token and session cost under continuous load --------------------------------------------------------------

    private void tokensAndSessions() throws Exception {
        Map<String, Long> stats;
        long clientFetches;
        long sent = 0;
        try (ServerProcess server = ServerProcess.start(Duration.ZERO, tokenLifetime, 1);
             BenchClients clients = new BenchClients(server.baseUrl(), 64, null, false)) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(tokenSeconds);
            Semaphore slots = new Semaphore(16);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            while (System.nanoTime() < end && failure.get() == null) {
                slots.acquire();
                clients.component().whenComplete((ignored, failed) -> {
                    if (failed != null) {
                        failure.compareAndSet(null, failed);
                    }
                    slots.release();
                });
                sent++;
            }
            slots.acquire(16);
            if (failure.get() != null) {
                throw new IllegalStateException("a request failed while sending continuously", failure.get());
            }
            stats = server.stats();
            clientFetches = clients.alvaria.tokenFetchCount();
        }
        // renewed in the last tenth of its life: one fetch at the start, then one per 0.9 lifetime
        double renewEvery = tokenLifetime * 0.9;
        long expected = (long) Math.floor(tokenSeconds / renewEvery) + 1;
        long tokens = stats.get("tokens");
        System.out.printf("%,d messages in %d s with %d s tokens: %d token fetches (component counted %d), %d sessions"
                          + " created%n", sent, tokenSeconds, tokenLifetime, tokens, clientFetches, stats.get("sessions"));
        target(String.format("token fetches: one per expiry (%d s tokens, %d s of sending)", tokenLifetime, tokenSeconds),
               tokens <= expected + 1,
               String.format("%d fetches (%d expected) = %,.0f/h", tokens, expected, tokens * 3600.0 / tokenSeconds));
        target("managed streaming session: created once under load", stats.get("sessions") == 1,
               stats.get("sessions") + " created for " + String.format("%,d", sent) + " messages");
        table.add(String.format("| %-62s | %-34s | %s |", "token fetches per hour with the platform's 3599 s tokens",
                                String.format("%.2f", 3600.0 / (3599 - 60)), "(derived)"));
    }

    // --- 5: start-up of the app -------------------------------------------------------------------------------------

    /**
     * The app from `java` (or `mvn`) to its first delivered message, {@code bench.startupRounds} rounds each: the
     * runnable jar with the AppCDS archive the build made, the same jar without it, and `mvn -o -q exec:java`, whose
     * Maven share is the same command with a main class that returns at once. Maven's own time moves by a second and
     * more from one minute to the next here, so the two `mvn` commands take turns, and each round of the app is set
     * against the round of Maven's beside it.
     */
    private void startUp() throws Exception {
        Path appDir = basedir.resolve("target/app");
        Path jar;
        try (var jars = Files.list(appDir)) {
            jar = basedir.relativize(jars.filter(file -> file.getFileName().toString().endsWith("-app.jar"))
                                             .findFirst().orElseThrow(() -> new IllegalStateException(
                                                     "no -app.jar in " + appDir + ": run the package phase")));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String mvn = System.getProperty("bench.mvn", "mvn");
        List<Double> withCds = new ArrayList<>();
        List<Double> withoutCds = new ArrayList<>();
        List<Double> execJava = new ArrayList<>();
        List<Double> maven = new ArrayList<>();
        List<Double> execJavaLessMaven = new ArrayList<>();
        for (int round = 1; round <= startupRounds; round++) {
            withCds.add(startUpSeconds(round, "jar + AppCDS", true, work -> appCommand(
                    List.of(java, "-XX:SharedArchiveFile=target/app/app.jsa"), work, List.of("-jar", jar.toString()))));
            withoutCds.add(startUpSeconds(round, "jar", true, work -> appCommand(List.of(java), work,
                                                                              List.of("-jar", jar.toString()))));
        }
        for (int round = 1; round <= startupRounds; round++) {
            double app = startUpSeconds(round, "mvn exec:java", true, work -> appCommand(List.of(mvn, "-o", "-q"),
                                                                                         work, List.of("exec:java")));
            double own = startUpSeconds(round, "mvn exec:java of a main that returns at once", false, work -> List.of(
                    mvn, "-o", "-q", "exec:java", "-Dexec.mainClass=" + ReturnAtOnce.class.getName(),
                    "-Dexec.classpathScope=test"));
            execJava.add(app);
            maven.add(own);
            execJavaLessMaven.add(app - own);
        }
        target("app start-up, `java -jar` with the AppCDS archive: at most 2.5 s", medianOf(withCds) <= 2.5,
               String.format("%.2f s (without the archive %.2f s)", medianOf(withCds), medianOf(withoutCds)));
        target("app start-up, `mvn exec:java` less Maven's share: at most 2.5 s", medianOf(execJavaLessMaven) <= 2.5,
               String.format("%.2f s (%.2f s, Maven's share %.2f s)", medianOf(execJavaLessMaven),
                             medianOf(execJava), medianOf(maven)));
    }

    /** A start-up command: the launcher, the app's settings for a run in {@code work}, then how to start it. */
    private static List<String> appCommand(List<String> launcher, Path work, List<String> start) {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("-Dalvaria.simulator.port=0",
                               "-Dcamel.management.port=0", "-Dalvaria.file.inbox=" + work.resolve("inbox"),
                               "-Dalvaria.dead-letter.default-uri=file:" + work.resolve("dead-letter"),
                               "-Dalvaria.cluster.file.root=" + work.resolve("cluster")));
        command.addAll(start);
        return command;
    }

    /** One round's seconds from the command's start to its first Delivered line, or else to its end. */
    private double startUpSeconds(int round, String what, boolean delivers, Function<Path, List<String>> command)
            throws Exception {
        Path work = Files.createTempDirectory("alvaria-bench-startup");
        long started = System.nanoTime();
        Process app = new ProcessBuilder(command.apply(work)).directory(basedir.toFile()).redirectErrorStream(true)
                .start();
        double until = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(),
                                                                           StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.contains(" Delivered ")) {
                    until = (System.nanoTime() - started) / 1e9;
                    break;
                }
            }
        } finally {
            app.toHandle().descendants().forEach(ProcessHandle::destroy);
            app.destroy(); // a graceful stop, as Ctrl-C
            if (!app.waitFor(40, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
        if (until < 0) {
            until = (System.nanoTime() - started) / 1e9;
            if (delivers || app.exitValue() != 0) {
                throw new IllegalStateException(what + " ended (exit status " + app.exitValue()
                                                + ") without delivering a message");
            }
        }
        System.out.printf("start-up round %d, %s: %.2f s%n", round, what, until);
        return until;
    }

    // --- the rate-limit gate against a simulator that limits like the platform -----------------------------

    /**
     * {@code bench.rateLimitMessages} messages, 256 in flight, against the simulator limited to {@code bench.rateLimit}
     * requests a second, once per endpoint options in {@code bench.rateLimitRuns} (separated by ';'; the first is the
     * one without the gate, each other one is held to the targets).
     */
    private void rateLimit() throws Exception {
        List<RateLimitRun> runs = new ArrayList<>();
        for (String options : rateLimitRuns) {
            RateLimitRun run = RateLimitRun.of(options, rateLimitMessages, 256, rateLimit);
            System.out.println("rate limit " + rateLimit + "/s: " + run);
            runs.add(run);
        }
        runs.forEach(run -> table.add(String.format("| %-62s | %-34s | %s |",
                "limit " + rateLimit + "/s, 256 in flight: " + (run.options().isEmpty() ? "defaults" : run.options()),
                String.format("%,d 429s, %,d dead, %.0f msg/s, %.0f s", run.refused(), run.deadLettered(),
                              run.goodput(), run.seconds()), "(reported)")));
        RateLimitRun without = runs.get(0);
        for (RateLimitRun with : runs.subList(1, runs.size())) {
            String gate = with.options().isEmpty() ? "the gate alone" : with.options();
            target("rate limit, " + gate + ": at least 20 times fewer 429s", without.refused() >= 20 * Math.max(1,
                    with.refused()), String.format("%,d vs %,d", without.refused(), with.refused()));
            target("rate limit, " + gate + ": goodput within 5% of the limit", with.goodput() >= 0.95 * rateLimit,
                   String.format("%.0f msg/s of %d", with.goodput(), rateLimit));
            target("rate limit, " + gate + ": none dead-lettered", with.deadLettered() == 0,
                   String.valueOf(with.deadLettered()));
        }
    }

    // --- allocation per message: JMH with the GC profiler -------------------------------------------------------------

    private void allocation() throws Exception {
        var options = new OptionsBuilder().include(MessageAllocation.class.getName())
                .forks(1).warmupIterations(5).warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(2))
                .measurementIterations(5).measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(2))
                .addProfiler("gc")
                // the fork's logging binding is this JVM's: its class path has two (pom.xml, profile bench)
                .jvmArgs("-Xmx512m", "-Dslf4j.provider=" + System.getProperty("slf4j.provider")).build();
        Map<String, Double> bytesPerMessage = new LinkedHashMap<>();
        for (RunResult result : new Runner(options).run()) {
            String benchmark = result.getParams().getBenchmark();
            String name = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            Result<?> perOp = result.getSecondaryResults().entrySet().stream()
                    .filter(entry -> entry.getKey().endsWith("gc.alloc.rate.norm")).map(Map.Entry::getValue)
                    .findFirst().orElseThrow();
            bytesPerMessage.put(name, perOp.getScore());
            table.add(String.format("| %-62s | %-34s | %s |", "JMH -prof gc, 1 in flight: " + name,
                                    String.format("%,.0f B/msg, %.1f µs/msg", perOp.getScore(),
                                                  result.getPrimaryResult().getScore()), "(reported)"));
        }
        double overRaw = bytesPerMessage.get("alvariaMessaging") - bytesPerMessage.get("rawClient");
        target("allocation: at most 1.5 KB a message above the raw client (JMH)", overRaw <= 1536,
               String.format("%,.0f - %,.0f = %+,.0f B/msg", bytesPerMessage.get("alvariaMessaging"),
                             bytesPerMessage.get("rawClient"), overRaw));
    }

    // --- medians ------------------------------------------------------------------------------------------------------

    private static <T> double median(List<T> values, java.util.function.ToDoubleFunction<T> figure) {
        return medianOf(values.stream().map(figure::applyAsDouble).toList());
    }

    private static double medianOf(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
