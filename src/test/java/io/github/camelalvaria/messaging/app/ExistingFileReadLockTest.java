package io.github.camelalvaria.messaging.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.util.FileUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The race the fault soak found in the file bridge, played deterministically: a poll lists a file while its exchange
 * is still in flight on another thread, and looks at the in-progress list only after that exchange has moved the file
 * to {@code .done/} and left the list. With {@link ExistingFileReadLock} the file is not begun a second time.
 */
class ExistingFileReadLockTest {

    private static final Path INBOX = Path.of("target/existing-file-read-lock/inbox");
    private static final String FILE = "once.txt";

    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aFileListedJustBeforeItsExchangeMovedItIsNotProcessedAgain() throws Exception {
        FileUtil.removeDir(INBOX.getParent().toFile());
        Files.createDirectories(INBOX);
        Files.writeString(INBOX.resolve(FILE), "hello");
        RacingInProgressRepository inProgress = new RacingInProgressRepository();
        AtomicInteger processed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        context.getRegistry().bind("inProgress", inProgress);
        context.getRegistry().bind("existingFileReadLock", new ExistingFileReadLock());
        // a lambda, not a RouteBuilder class: camel-main's scan of this package in the app tests must not find it
        RouteBuilder.addRoutes(context, routes -> {
            routes.onException(Exception.class).handled(true).process(exchange -> failed.incrementAndGet());
            routes.from("file:" + INBOX + "?move=.done/${file:name}&moveFailed=.failed/${file:name}&initialDelay=0"
                        + "&delay=10&inProgressRepository=#inProgress&exclusiveReadLockStrategy=#existingFileReadLock")
                    // the rest runs on another thread, as after the bridges' asynchronous send
                    .threads(1)
                    .process(exchange -> {
                        // hold the exchange until the next poll has listed the file
                        assertThat(inProgress.secondLook.await(10, TimeUnit.SECONDS)).isTrue();
                        exchange.getMessage().getBody(String.class);
                        processed.incrementAndGet();
                    });
        });
        context.start();

        await().atMost(Duration.ofSeconds(10)).until(inProgress.lookedAfterRemoval::get);
        // a file dropped now is taken by a later poll: by then the racing one is over
        Files.writeString(INBOX.resolve("later.txt"), "later");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(INBOX.resolve(".done/later.txt")));
        await().atMost(Duration.ofSeconds(10)).until(() -> processed.get() + failed.get() >= 2);

        // without the read lock the file is begun again: its read fails, and its move deletes .done/once.txt
        assertThat(processed).hasValue(2);
        assertThat(failed).hasValue(0);
        assertThat(INBOX.resolve(".done/" + FILE)).hasContent("hello");
        assertThat(INBOX.resolve(".failed/" + FILE)).doesNotExist();
    }

    /**
     * The in-progress list, with the unlucky timing forced: once the file is in progress, the next look at it waits
     * until its exchange has taken it off the list again.
     */
    static final class RacingInProgressRepository extends MemoryIdempotentRepository {

        final CountDownLatch secondLook = new CountDownLatch(1);
        final AtomicBoolean lookedAfterRemoval = new AtomicBoolean();
        private final CountDownLatch removed = new CountDownLatch(1);
        private final AtomicBoolean added = new AtomicBoolean();

        @Override
        public boolean add(String key) {
            boolean answer = super.add(key);
            added.compareAndSet(false, key.endsWith(FILE));
            return answer;
        }

        @Override
        public boolean contains(String key) {
            if (key.endsWith(FILE) && added.get() && secondLook.getCount() == 1) {
                secondLook.countDown();
                try {
                    assertThat(removed.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                lookedAfterRemoval.set(true);
            }
            return super.contains(key);
        }

        @Override
        public boolean remove(String key) {
            boolean answer = super.remove(key);
            if (key.endsWith(FILE)) {
                removed.countDown();
            }
            return answer;
        }
    }
}
