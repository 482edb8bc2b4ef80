package io.github.camelalvaria.messaging;

import io.github.camelalvaria.messaging.client.ClientCredentialsTokenSource;
import io.github.camelalvaria.messaging.client.MessagingCall;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Posts the exchange to the API without holding a thread while the request is in flight. The callback is completed
 * exactly once on every path: invalid input, an answer, a failure.
 */
public class AlvariaMessagingProducer extends DefaultAsyncProducer {

    private final AlvariaMessagingEndpoint endpoint;

    public AlvariaMessagingProducer(AlvariaMessagingEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            MessagingCall call = endpoint.getCallFactory().create(exchange);
            int attempt = exchange.getProperty(AlvariaMessagingConstants.ATTEMPTS_PROPERTY, 0, Integer.class) + 1;
            exchange.setProperty(AlvariaMessagingConstants.ATTEMPTS_PROPERTY, attempt);
            long started = System.nanoTime();
            endpoint.getClient().send(call).whenComplete((status, failure) -> {
                try {
                    if (failure == null) {
                        answered(exchange.getMessage(), status);
                    } else {
                        failed(exchange, failure);
                    }
                } finally {
                    endpoint.getMetrics().sent(call.operation().name(), attempt, System.nanoTime() - started, failure);
                    callback.done(false);
                }
            });
            return false;
        } catch (Exception invalidInput) {
            endpoint.getMetrics().invalid(endpoint.getOperation().name());
            exchange.setException(invalidInput);
            callback.done(true);
            return true;
        }
    }

    private static void answered(Message message, int status) {
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        // a delay asked for by an earlier failed attempt must not slow down a later, unrelated failure
        message.removeHeader(Exchange.REDELIVERY_DELAY);
    }

    /** With throwExceptionOnFailure=false only the API's own answers become headers; the rest still fails. */
    private void failed(Exchange exchange, Throwable failure) {
        Message message = exchange.getMessage();
        if (failure instanceof AlvariaMessagingException answer && answer.getStatusCode() > 0
            && !ClientCredentialsTokenSource.OPERATION.equals(answer.getOperation())
            && !endpoint.getConfiguration().isThrowExceptionOnFailure()) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.getStatusCode());
            message.setHeader(Exchange.HTTP_RESPONSE_TEXT, answer.getStatusText());
            return;
        }
        if (failure instanceof AlvariaMessagingException typed && typed.getRetryAfter().isPresent()) {
            long maxDelay = endpoint.getConfiguration().getMaxRetryAfter();
            message.setHeader(Exchange.REDELIVERY_DELAY, Math.min(typed.getRetryAfter().get().toMillis(), maxDelay));
        } else {
            message.removeHeader(Exchange.REDELIVERY_DELAY);
        }
        exchange.setException(failure);
    }
}
