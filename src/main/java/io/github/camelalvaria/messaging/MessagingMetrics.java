package io.github.camelalvaria.messaging;

/**
 * Where the producer reports each message. The component picks {@link MicrometerMessagingMetrics} when Micrometer is
 * on the classpath and a {@code MeterRegistry} is bound in the Camel registry, so metrics cover every route that uses
 * the component; otherwise {@link #NONE}, and Micrometer is never loaded.
 */
interface MessagingMetrics {

    MessagingMetrics NONE = new MessagingMetrics() {
        @Override
        public void sent(String operation, int attempt, long elapsedNanos, Throwable failure) {
        }

        @Override
        public void invalid(String operation) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * A call was sent and is done.
     *
     * @param attempt      1 for the first send of the exchange, more for a redelivery
     * @param elapsedNanos from the start of the send (waiting for a token or session included) to the answer
     * @param failure      {@code null} when the API answered 2xx
     */
    void sent(String operation, int attempt, long elapsedNanos, Throwable failure);

    /** The exchange was refused before anything was sent (bad input). */
    void invalid(String operation);

    /** The component stops: meters that read its state are removed. */
    void close();
}
