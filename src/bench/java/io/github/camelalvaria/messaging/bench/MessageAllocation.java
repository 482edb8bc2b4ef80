package io.github.camelalvaria.messaging.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One sendText, waited for, by each of the three clients: run with {@code -prof gc} for the bytes each allocates per
 * message in this JVM (the server runs in its own, so its allocation is not counted). {@link PerformanceBenchmark}
 * runs it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MessageAllocation {

    private ServerProcess server;
    private BenchClients clients;

    @Setup(Level.Trial)
    public void start() throws Exception {
        server = ServerProcess.start(Duration.ZERO, 3599, 1);
        clients = new BenchClients(server.baseUrl(), 16, "bench-session");
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        clients.close();
        server.close();
    }

    @Benchmark
    public Object rawClient() {
        return clients.raw().join();
    }

    @Benchmark
    public Object alvariaMessaging() {
        return clients.component().join();
    }

    @Benchmark
    public void camelHttp() {
        clients.httpOnThisThread();
    }
}
