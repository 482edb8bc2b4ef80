package io.github.camelalvaria.messaging.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

import org.apache.camel.spi.StateRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.ObjectHelper;

/**
 * A {@link StateRepository} kept in one properties file on a volume every instance sees (beside the cluster lock). Each
 * read reads the file, so an instance that takes over finds what the previous leader stored last; camel-support's
 * {@code FileStateRepository} reads its file once, when it starts, and would give a standby a stale value. A write
 * replaces the file at once (a temporary file in the same folder, flushed, then moved over it), so a reader sees the
 * old or the new content, never half of it. Writers are expected one at a time (the leader).
 */
public class SharedFileStateRepository extends ServiceSupport implements StateRepository<String, String> {

    private String file;

    public String getFile() {
        return file;
    }

    /** The properties file; its folder is created on the first write. */
    public void setFile(String file) {
        this.file = file;
    }

    @Override
    protected void doStart() {
        ObjectHelper.notNull(file, "file", this);
    }

    @Override
    public synchronized String getState(String key) {
        return read().getProperty(key);
    }

    @Override
    public synchronized void setState(String key, String value) {
        Properties state = read();
        state.setProperty(key, value);
        write(state);
    }

    private Properties read() {
        Properties state = new Properties();
        try (InputStream in = Files.newInputStream(path())) {
            state.load(in);
        } catch (NoSuchFileException nothingStoredYet) {
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the state file " + path(), e);
        }
        return state;
    }

    private void write(Properties state) {
        Path target = path();
        Path folder = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(folder);
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            state.store(content, null);
            Path temporary = Files.createTempFile(folder, "." + target.getFileName(), ".tmp");
            try {
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    ByteBuffer bytes = ByteBuffer.wrap(content.toByteArray());
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                    // on disk before it replaces the old file: a crash leaves the old content or the new
                    channel.force(true);
                }
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the state file " + target, e);
        }
    }

    private Path path() {
        ObjectHelper.notNull(file, "file", this);
        return Path.of(file);
    }
}
