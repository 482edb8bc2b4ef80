package io.github.camelalvaria.messaging.bench;

/** The main class of the start-up part's Maven baseline: `mvn exec:java` with nothing to run. */
public final class ReturnAtOnce {

    private ReturnAtOnce() {
    }

    public static void main(String... args) {
        // nothing: the time `mvn exec:java` takes with it is Maven's own
    }
}
