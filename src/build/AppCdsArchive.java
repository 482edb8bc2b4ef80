import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Makes the runnable app's class data sharing archive (the JDK's AppCDS): runs the app jar once, from the repository
 * root, until it has delivered its first message, and stops it as Ctrl-C would; the JVM writes the classes it loaded
 * to the archive as it exits. `java -XX:SharedArchiveFile=target/app/app.jsa -jar target/app/...-app.jar` then starts
 * from it. The JDK checks the archive against the jars' paths and times: it fits this target/app/ only.
 * <p>
 * Arguments: the java launcher, the app jar, the archive to write, a scratch folder for the run's files.
 */
public final class AppCdsArchive {

    private static final long DELIVERY_TIMEOUT_SECONDS = 120;
    private static final long EXIT_TIMEOUT_SECONDS = 60;

    public static void main(String... args) throws IOException, InterruptedException {
        Path java = Path.of(args[0]);
        Path jar = Path.of(args[1]);
        Path archive = Path.of(args[2]);
        Path scratch = Path.of(args[3]);
        Files.deleteIfExists(archive);
        Files.createDirectories(scratch);
        List<String> command = new ArrayList<>(List.of(
                java.toString(), "-XX:ArchiveClassesAtExit=" + archive,
                // nothing of the run outside the scratch folder, no fixed port
                "-Dalvaria.simulator.port=0", "-Dcamel.management.port=0",
                "-Dalvaria.file.inbox=" + scratch.resolve("inbox"),
                "-Dalvaria.dead-letter.default-uri=file:" + scratch.resolve("dead-letter"),
                "-Dalvaria.cluster.file.root=" + scratch.resolve("cluster"),
                "-jar", jar.toString()));
        long started = System.nanoTime();
        Process app = new ProcessBuilder(command).redirectErrorStream(true).start();
        // whatever happens, the run ends: a hung app is killed, and reading its output then ends too
        CompletableFuture.delayedExecutor(DELIVERY_TIMEOUT_SECONDS + EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .execute(app::destroyForcibly);
        boolean delivered = false;
        long deliveredAfter = 0;
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(app.getInputStream(),
                                                                            StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.add(line);
                if (!delivered && line.contains(" Delivered ")) {
                    delivered = true;
                    deliveredAfter = System.nanoTime() - started;
                    // a graceful stop, as Ctrl-C (through the handle: Process.destroy would close the output); the
                    // output is read on to its end, so the app never blocks writing it
                    app.toHandle().destroy();
                }
            }
        }
        int exit = app.waitFor();
        if (!delivered || !Files.isRegularFile(archive)) {
            output.forEach(System.err::println);
            throw new IllegalStateException(delivered ? "the JVM wrote no archive to " + archive + " (exit " + exit + ")"
                    : "the app ended (exit " + exit + ") without delivering a message");
        }
        System.out.printf("AppCDS archive %s: %,d bytes (the training run delivered after %.1f s, ended after %.1f s)%n",
                          archive, Files.size(archive), deliveredAfter / 1e9, (System.nanoTime() - started) / 1e9);
    }
}
