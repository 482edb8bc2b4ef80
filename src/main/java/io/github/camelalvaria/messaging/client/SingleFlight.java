package io.github.camelalvaria.messaging.client;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One asynchronous fetch at a time of something many requests need at the same moment (an access token, the managed
 * streaming session): whoever asks while a fetch is out gets that fetch's future, and the next ask after it completed
 * starts a new one. What is kept between fetches (a token and its expiry, a session id) stays with the owner.
 *
 * @param <T> what is fetched
 */
final class SingleFlight<T> {

    private CompletableFuture<T> pending;

    /**
     * The fetch under way, or a new one started with {@code fetch}. The returned future completes after
     * {@code fetch}'s own stages (so the owner has stored the value before any caller sees it), with the value or the
     * unwrapped failure; it completes even when {@code fetch} throws.
     */
    CompletableFuture<T> get(Supplier<CompletableFuture<T>> fetch) {
        CompletableFuture<T> result;
        synchronized (this) {
            if (pending != null) {
                return pending;
            }
            result = new CompletableFuture<>();
            pending = result;
        }
        CompletableFuture<T> fetched;
        try {
            fetched = fetch.get();
        } catch (RuntimeException failedToStart) {
            fetched = CompletableFuture.failedFuture(failedToStart);
        }
        fetched.whenComplete((value, failure) -> {
            synchronized (this) {
                pending = null;
            }
            if (failure != null) {
                result.completeExceptionally(AsyncHttp.unwrap(failure));
            } else {
                result.complete(value);
            }
        });
        return result;
    }

    /** Whether a fetch is out. */
    synchronized boolean inFlight() {
        return pending != null;
    }
}
