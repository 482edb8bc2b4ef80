package io.github.camelalvaria.messaging.app;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** Stops a process of a test with {@code kill -STOP} and lets it go on with {@code kill -CONT}. */
final class Freeze {

    private Freeze() {
    }

    /** {@code kill -STOP}, then {@code kill -CONT} after {@code pause}: the JVM stands still, as in a long GC pause. */
    static void of(Process process, Duration pause) throws IOException, InterruptedException {
        signal(process, "STOP");
        try {
            await().pollDelay(pause).atMost(pause.plusSeconds(1)).until(() -> true);
        } finally {
            signal(process, "CONT");
        }
    }

    private static void signal(Process process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }
}
