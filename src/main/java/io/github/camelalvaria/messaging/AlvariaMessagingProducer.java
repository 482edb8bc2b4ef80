package io.github.camelalvaria.messaging;

import java.time.Duration;

import io.github.camelalvaria.messaging.client.MessagingCall;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts the exchange to the API without holding a thread while the request is in flight. The callback is completed
 * exactly once on every path: invalid input, an answer, a failure, and a fault of our own while completing (metrics
 * included), with the exception set before it.
 */
public class AlvariaMessagingProducer extends DefaultAsyncProducer {

    private static final Logger LOG = LoggerFactory.getLogger(AlvariaMessagingProducer.class);

    /** Exchange property: Camel's redelivery counter when the step now being sent was first sent. */
    private static final String REDELIVERIES_BEFORE_FIRST_ATTEMPT = "CamelAlvariaRedeliveriesBeforeFirstAttempt";

    private final AlvariaMessagingEndpoint endpoint;

    public AlvariaMessagingProducer(AlvariaMessagingEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        MessagingCall call;
        try {
            call = endpoint.getCallFactory().create(exchange);
        } catch (Exception invalidInput) {
            exchange.setException(invalidInput);
            report(() -> endpoint.getMetrics().invalid(endpoint.getOperation().name()));
            callback.done(true);
            return true;
        }
        Attempt attempt = Attempt.of(exchange);
        long started = System.nanoTime();
        try {
            endpoint.getClient().send(call).whenComplete((status, failure) -> {
                try {
                    complete(exchange, call, attempt, status, failure);
                    report(() -> endpoint.getMetrics().sent(call.operation().name(), attempt.number(),
                                                            System.nanoTime() - started, failure));
                } finally {
                    callback.done(false);
                }
            });
        } catch (RuntimeException notSent) {
            // send() answers with a future; this is a fault of ours (a stopped endpoint), still a failed exchange
            exchange.setException(notSent);
            callback.done(true);
            return true;
        }
        return false;
    }

    /**
     * This send's attempt: Camel's redeliveries of it plus one. Camel's counter runs on over the whole exchange (it
     * is not reset when a step succeeds), so it is counted from where it stood at this step's first send, which a
     * failed send keeps on the exchange for its redeliveries (a send that succeeds, the most, touches no property but
     * the documented one).
     *
     * @param number             the attempt, 1 for the first send
     * @param redeliveriesBefore Camel's counter at this step's first send
     * @param redelivered        whether this is a redelivery, whose first send is on the exchange already
     * @param kept               whether the exchange holds a first send's counter, this step's or an earlier one's
     */
    private record Attempt(int number, int redeliveriesBefore, boolean redelivered, boolean kept) {

        static Attempt of(Exchange exchange) {
            int redeliveries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
            Integer before = exchange.getProperty(REDELIVERIES_BEFORE_FIRST_ATTEMPT, Integer.class);
            // none kept, or kept by an earlier step that succeeded or whose redeliveries are over: a first send
            boolean redelivered = before != null && before <= redeliveries
                                  && !exchange.getExchangeExtension().isRedeliveryExhausted();
            int first = redelivered ? before : redeliveries;
            Attempt attempt = new Attempt(redeliveries - first + 1, first, redelivered, before != null);
            exchange.setProperty(AlvariaMessagingConstants.ATTEMPTS_PROPERTY, attempt.number());
            return attempt;
        }

        /** What the exchange keeps for the next send: the first send's counter after a failure, nothing after a 2xx. */
        void keep(Exchange exchange, boolean failed) {
            if (failed && !redelivered) {
                exchange.setProperty(REDELIVERIES_BEFORE_FIRST_ATTEMPT, redeliveriesBefore);
            } else if (!failed && kept) {
                exchange.removeProperty(REDELIVERIES_BEFORE_FIRST_ATTEMPT);
            }
        }
    }

    /** Puts the outcome on the exchange; whatever goes wrong doing so, the exchange ends up failed, never silent. */
    private void complete(Exchange exchange, MessagingCall call, Attempt attempt, Integer status, Throwable failure) {
        try {
            attempt.keep(exchange, failure != null);
            if (failure == null) {
                answered(exchange.getMessage(), status);
            } else {
                failed(exchange, call, failure);
            }
        } catch (RuntimeException | Error bug) {
            if (failure != null) {
                failure.addSuppressed(bug);
            }
            exchange.setException(failure != null ? failure : bug);
        }
    }

    /** Metrics are a report, never the outcome: a failing registry is logged and the exchange goes on. */
    private static void report(Runnable metrics) {
        try {
            metrics.run();
        } catch (RuntimeException failed) {
            LOG.warn("Could not record alvaria-messaging metrics: {}", failed.toString());
        }
    }

    private static void answered(Message message, Integer status) {
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        // the text of an earlier failure (throwExceptionOnFailure=false) does not describe this answer
        message.removeHeader(Exchange.HTTP_RESPONSE_TEXT);
        // a delay asked for by an earlier failed attempt must not slow down a later, unrelated failure
        message.removeHeader(Exchange.REDELIVERY_DELAY);
    }

    /**
     * With throwExceptionOnFailure=false only the messaging call's own answer becomes headers; a token or session
     * failure means the message was never sent, so it stays an exception.
     */
    private void failed(Exchange exchange, MessagingCall call, Throwable failure) {
        Message message = exchange.getMessage();
        if (failure instanceof AlvariaMessagingException answer && answer.getStatusCode() > 0
            && call.operation().name().equals(answer.getOperation())
            && !endpoint.getConfiguration().isThrowExceptionOnFailure()) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.getStatusCode());
            message.setHeader(Exchange.HTTP_RESPONSE_TEXT, answer.getStatusText());
            return;
        }
        long delay = failure instanceof AlvariaMessagingException typed
                ? typed.getRetryAfter().map(this::redeliveryDelay).orElse(0L) : 0L;
        // no delay, or Retry-After 0 or a past date: the route's own backoff stays in charge
        if (delay > 0) {
            message.setHeader(Exchange.REDELIVERY_DELAY, delay);
        } else {
            message.removeHeader(Exchange.REDELIVERY_DELAY);
        }
        exchange.setException(failure);
    }

    /** Retry-After in milliseconds, at most maxRetryAfter; compared as Durations, so no value can overflow. */
    private long redeliveryDelay(Duration retryAfter) {
        long maxDelay = endpoint.getConfiguration().getMaxRetryAfter();
        return retryAfter.compareTo(Duration.ofMillis(maxDelay)) >= 0 ? maxDelay : Math.max(0, retryAfter.toMillis());
    }
}
