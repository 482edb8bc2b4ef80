package io.github.camelalvaria.messaging.app;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.FileBinding;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.GenericFileProcessStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the file bridges take and file their files ({@code processStrategy=#fileBridgeProcessStrategy}).
 * <ul>
 * <li><b>Begin</b>: the file is renamed into {@code .inflight/} before it is read. The rename is atomic, so a new file
 * written under the same name is a file of its own, taken once this one is done, and a file another exchange has
 * already taken is not begun again.</li>
 * <li><b>Delivered</b>: moved to {@code .done/}; <b>dead-lettered</b> ({@value #OUTCOME} {@value #FAILED}): its
 * {@code .error.json} ({@link DeadLetterHeaders#FAILURE_JSON}) is written to {@code .failed/}, then the file beside it.
 * A name already taken there gets a counter before its extension ({@code dup.txt}, {@code dup.1.txt}, ...): nothing is
 * overwritten. Names are paths only, never URI syntax.</li>
 * <li>When that filing fails, the file is not sent again: a delivered one is kept in {@code .inflight/} as
 * {@code <name>.delivered}; a dead letter stays in {@code .inflight/}. Either way an ERROR says what to fix and the
 * bridge's route stops (readiness DOWN), rather than sending the file again on every poll.</li>
 * <li><b>Start</b>: what a crash or stop left in {@code .inflight/} goes back to the inbox to be sent again, a
 * {@code .delivered} one to {@code .done/}.</li>
 * </ul>
 */
public final class FileBridgeProcessStrategy implements GenericFileProcessStrategy<File> {

    /** Exchange property: {@value #DONE} (set by the bridge) or {@value #FAILED} (set by its dead-letter route). */
    public static final String OUTCOME = "alvariaFileOutcome";
    public static final String DONE = ".done";
    public static final String FAILED = ".failed";
    static final String INFLIGHT = ".inflight";
    static final String DELIVERED = ".delivered";
    static final String ERROR_JSON = ".error.json";

    private static final Logger LOG = LoggerFactory.getLogger(FileBridgeProcessStrategy.class);

    @Override
    public void prepareOnStartup(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint)
            throws IOException {
        Path inbox = Path.of(endpoint.getConfiguration().getDirectory()).toAbsolutePath();
        Path inflight = inbox.resolve(INFLIGHT);
        if (!Files.isDirectory(inflight)) {
            return;
        }
        List<Path> leftOver;
        try (Stream<Path> files = Files.list(inflight)) {
            leftOver = files.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : leftOver) {
            String name = file.getFileName().toString();
            if (name.endsWith(DELIVERED)) {
                String deliveredName = name.substring(0, name.length() - DELIVERED.length());
                try {
                    moveUnderFreeName(file, inbox.resolve(DONE), deliveredName);
                    LOG.info("Filed {} in {}/: it was delivered before the last stop", deliveredName, DONE);
                } catch (IOException e) {
                    LOG.error("Cannot move the delivered {} to {}/ ({}): it stays in {} and is not sent again;"
                              + " fix {}/ and start the bridge again", deliveredName, DONE, e, file, DONE);
                }
            } else {
                Path back = moveUnderFreeName(file, inbox, name);
                LOG.info("{} was cut short by a stop: back in the inbox as {}, to be sent again", name, back.getFileName());
            }
        }
    }

    @Override
    public boolean begin(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint, Exchange exchange,
            GenericFile<File> file) throws IOException {
        Path source = file.getFile().toPath().toAbsolutePath();
        Path taken;
        try {
            taken = moveUnderFreeName(source, source.getParent().resolve(INFLIGHT), file.getFileNameOnly());
        } catch (NoSuchFileException e) {
            // listed by a poll, then taken by another exchange before this one began it
            return false;
        }
        // the same file to the route (its name included), read from where it now is
        GenericFile<File> inflight = new GenericFile<>();
        file.copyFrom(file, inflight);
        inflight.setBinding(new FileBinding());
        inflight.setFile(taken.toFile());
        inflight.setBody(taken.toFile());
        inflight.setAbsoluteFilePath(taken.toString());
        inflight.bindToExchange(exchange);
        return true;
    }

    @Override
    public void abort(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint, Exchange exchange,
            GenericFile<File> file) throws IOException {
        Path path = file.getFile().toPath().toAbsolutePath();
        if (path.getParent().getFileName().toString().equals(INFLIGHT) && Files.exists(path)) {
            moveUnderFreeName(path, path.getParent().getParent(), file.getFileNameOnly());
        }
    }

    @Override
    public void commit(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint, Exchange exchange,
            GenericFile<File> file) {
        Path inflight = file.getFile().toPath().toAbsolutePath();
        Path inbox = inflight.getParent().getParent();
        String name = file.getFileNameOnly();
        if (FAILED.equals(exchange.getProperty(OUTCOME))) {
            try {
                fileDeadLetter(inflight, inbox.resolve(FAILED), name,
                               exchange.getProperty(DeadLetterHeaders.FAILURE_JSON, "", String.class));
            } catch (IOException e) {
                LOG.error("Cannot dead-letter {} to {}/ ({}): it stays in {}; the bridge stops. Fix {}/ and start it"
                          + " again: the file is then tried again", name, FAILED, e, inflight, FAILED);
                stopBridge(exchange);
            }
            return;
        }
        try {
            moveUnderFreeName(inflight, inbox.resolve(DONE), name);
        } catch (IOException e) {
            String keptAs = keepAsDelivered(inflight);
            LOG.error("Delivered {} but cannot move it to {}/ ({}): kept as {}, never sent again; the bridge stops."
                      + " Fix {}/ and start it again", name, DONE, e, keptAs, DONE);
            stopBridge(exchange);
        }
    }

    /** The exchange failed although its failure was to be dead-lettered: the dead-letter route itself failed. */
    @Override
    public void rollback(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint, Exchange exchange,
            GenericFile<File> file) {
        Path inflight = file.getFile().toPath().toAbsolutePath();
        if (exchange.getContext().isStopping()) {
            LOG.info("{} was cut short by the stop: it stays in {} and is sent again at the next start",
                     file.getFileNameOnly(), inflight);
            return;
        }
        Exception failure = exchange.getException();
        LOG.error("Cannot dead-letter {} ({}): it stays in {}; the bridge stops. Fix the cause and start it again:"
                  + " the file is then tried again", file.getFileNameOnly(), failure, inflight);
        stopBridge(exchange);
    }

    /** The error file first, then the file beside it: a crash in between leaves the file to be tried again. */
    private synchronized void fileDeadLetter(Path file, Path folder, String name, String failureJson)
            throws IOException {
        Files.createDirectories(folder);
        for (int counter = 0;; counter++) {
            Path target = folder.resolve(numbered(name, counter));
            Path errorFile = folder.resolve(target.getFileName() + ERROR_JSON);
            if (!exists(target) && !exists(errorFile)) {
                Files.writeString(errorFile, failureJson, StandardOpenOption.CREATE_NEW);
                Files.move(file, target);
                return;
            }
        }
    }

    /** Moves the file into the folder under its name, or the first numbered name not taken there. */
    private synchronized Path moveUnderFreeName(Path file, Path folder, String name) throws IOException {
        Files.createDirectories(folder);
        for (int counter = 0;; counter++) {
            Path target = folder.resolve(numbered(name, counter));
            if (!exists(target)) {
                // without REPLACE_EXISTING: a name taken since is never overwritten
                return Files.move(file, target);
            }
        }
    }

    private static String keepAsDelivered(Path inflight) {
        try {
            return Files.move(inflight, inflight.resolveSibling(inflight.getFileName() + DELIVERED)).toString();
        } catch (IOException e) {
            LOG.error("Cannot mark {} as delivered ({}): a restart sends it again", inflight, e);
            return inflight.toString();
        }
    }

    /** {@code dup.txt}, {@code dup.1.txt}, {@code dup.2.txt}, ...: the extension stays last, for replay. */
    static String numbered(String name, int counter) {
        if (counter == 0) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? name + "." + counter : name.substring(0, dot) + "." + counter + name.substring(dot);
    }

    private static boolean exists(Path path) {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** Stops the route from another thread: stopping waits for the route's exchanges, this one included. */
    private void stopBridge(Exchange exchange) {
        CamelContext context = exchange.getContext();
        String routeId = exchange.getFromRouteId();
        ExecutorService executor = context.getExecutorServiceManager().newSingleThreadExecutor(this, "StopFileBridge");
        executor.execute(() -> {
            try {
                context.getRouteController().stopRoute(routeId);
            } catch (Exception e) {
                LOG.error("Cannot stop {}", routeId, e);
            } finally {
                context.getExecutorServiceManager().shutdown(executor);
            }
        });
    }
}
