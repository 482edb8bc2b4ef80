package io.github.camelalvaria.messaging.app;

import java.io.File;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileExclusiveReadLockStrategy;
import org.apache.camel.component.file.GenericFileOperations;

/**
 * The file bridges' read lock: a file is begun only if it is still in the inbox. The file consumer lists the inbox,
 * then skips what is in progress; an exchange that completes on another thread in between (the bridges' sends are
 * asynchronous) moves its file to {@code .done/} or {@code .failed/} and leaves the in-progress list, and without this
 * check the listed file would be processed a second time: its read fails, and its move deletes the file the first
 * exchange had just moved there. Camel's own {@code readLock=rename} would catch it too, but leaves the file under
 * another name when the app dies between its two renames.
 */
public final class ExistingFileReadLock implements GenericFileExclusiveReadLockStrategy<File> {

    @Override
    public boolean acquireExclusiveReadLock(
            GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        return file.getFile().isFile();
    }

    @Override
    public void prepareOnStartup(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint) {
        // nothing is left behind to clean up
    }

    @Override
    public void releaseExclusiveReadLockOnAbort(
            GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        // nothing is held
    }

    @Override
    public void releaseExclusiveReadLockOnRollback(
            GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        // nothing is held
    }

    @Override
    public void releaseExclusiveReadLockOnCommit(
            GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        // nothing is held
    }

    @Override
    public void setTimeout(long timeout) {
        // the check does not wait
    }

    @Override
    public void setCheckInterval(long checkInterval) {
        // the check does not wait
    }

    @Override
    public void setReadLockLoggingLevel(LoggingLevel readLockLoggingLevel) {
        // nothing is logged
    }

    @Override
    public void setMarkerFiler(boolean markerFile) {
        // no marker file
    }

    @Override
    public void setDeleteOrphanLockFiles(boolean deleteOrphanLockFiles) {
        // no marker file
    }
}
