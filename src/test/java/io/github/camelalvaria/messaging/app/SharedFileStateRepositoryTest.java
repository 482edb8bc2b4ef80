package io.github.camelalvaria.messaging.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.github.camelalvaria.messaging.client.StreamingSession;
import org.apache.camel.support.processor.state.FileStateRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app's state repository on a shared folder: two instances on one file, as two app instances beside one cluster
 * lock, each reading what the other wrote last.
 */
class SharedFileStateRepositoryTest {

    private static final String KEY = StreamingSession.stateKey("http://127.0.0.1:8089/via/v2/organizations/demo",
                                                                new StreamingSession.Settings(120, 5, true));

    @TempDir
    Path folder;

    @Test
    void aStandbyStartedEarlierReadsWhatTheLeaderWroteLast() {
        Path file = folder.resolve("cluster/events-session.properties");
        SharedFileStateRepository standby = repository(file);
        SharedFileStateRepository leader = repository(file);
        assertThat(standby.getState(KEY)).as("before anything is stored").isNull();

        leader.setState(KEY, "session-1");
        assertThat(standby.getState(KEY)).isEqualTo("session-1");
        leader.setState(KEY, "session-2");
        leader.setState("another key", "kept");

        assertThat(standby.getState(KEY)).isEqualTo("session-2");
        assertThat(standby.getState("another key")).isEqualTo("kept");
    }

    /** Why the app does not use camel-support's FileStateRepository: it reads its file once, when it starts. */
    @Test
    void camelsFileStateRepositoryStartedEarlierStillAnswersTheOldValue() {
        Path file = folder.resolve("file-state.dat");
        FileStateRepository standby = FileStateRepository.fileStateRepository(file.toFile());
        FileStateRepository leader = FileStateRepository.fileStateRepository(file.toFile());
        standby.start();
        leader.start();

        leader.setState(KEY, "session-1");

        assertThat(standby.getState(KEY)).isNull();
        standby.stop();
        leader.stop();
    }

    @Test
    void aWriteReplacesTheWholeFileAndLeavesNoTemporaryFileBehind() throws Exception {
        Path file = folder.resolve("events-session.properties");
        SharedFileStateRepository repository = repository(file);

        repository.setState(KEY, "session-1");
        repository.setState(KEY, "session-2");

        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files).containsExactly(file);
        }
        assertThat(Files.readString(file)).contains("session-2").doesNotContain("session-1");
    }

    private static SharedFileStateRepository repository(Path file) {
        SharedFileStateRepository repository = new SharedFileStateRepository();
        repository.setFile(file.toString());
        repository.start();
        return repository;
    }
}
