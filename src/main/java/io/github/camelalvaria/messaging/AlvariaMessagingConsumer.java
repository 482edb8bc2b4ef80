package io.github.camelalvaria.messaging;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelalvaria.messaging.client.StreamingSession;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each event of the managed streaming session into an exchange, on a thread of its own (from the context's
 * ExecutorServiceManager), one event at a time and in order. With {@code requireAcknowledgement} an event is
 * acknowledged only after the route of every consumer that takes its type completed without error (a failure or a
 * crash means redelivery); otherwise delivery is at-most-once. After a failed route the consumer backs off
 * ({@code backoffDelay}, doubling up to {@code backoffMaxDelay}) before it takes the next event. While stopped or
 * suspended it takes nothing: the session is not polled, and the events it had not started are left unacknowledged.
 * <p>
 * Not a ScheduledPollConsumer (as camel-telegram's long polling is): the poll belongs to the session, which producers
 * and other events endpoints share and which must never have two polls out nor stop being kept alive, so the session
 * polls and hands events to its consumers; this consumer owns only its route's thread, its backoff and its life cycle.
 */
public class AlvariaMessagingConsumer extends DefaultConsumer implements Suspendable, StreamingSession.Subscriber {

    private static final Logger LOG = LoggerFactory.getLogger(AlvariaMessagingConsumer.class);

    private final AlvariaMessagingEndpoint endpoint;
    private final ObjectMapper mapper;
    private final Set<String> eventTypes;

    /** An event handed over and not yet settled. */
    private record Pending(JsonNode event, StreamingSession.Delivery delivery) {
    }

    // guarded by this
    /** The session this consumer started on (kept, to detach from it when the endpoint has let it go). */
    private StreamingSession session;
    private ScheduledExecutorService worker;
    private final Deque<Pending> queue = new ArrayDeque<>();
    private boolean accepting;
    /** A drain of the queue is scheduled, running or waiting out a backoff. */
    private boolean draining;
    /** The failed event whose settling waits for the backoff, so that it is not delivered again sooner. */
    private Pending backingOff;
    private int failuresInRow;

    public AlvariaMessagingConsumer(AlvariaMessagingEndpoint endpoint, Processor processor, ObjectMapper mapper) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.mapper = mapper;
        String types = endpoint.getConfiguration().getEventTypes();
        this.eventTypes = types == null || types.isBlank() ? Set.of()
                : Set.of(types.strip().split("\\s*,\\s*"));
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        synchronized (this) {
            session = endpoint.getSession();
            worker = getEndpoint().getCamelContext().getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(this, "AlvariaMessagingEvents");
        }
        startTaking();
    }

    @Override
    protected void doStop() throws Exception {
        ScheduledExecutorService stopped = stopTaking();
        if (stopped != null) {
            // the event in progress finishes (Camel's graceful shutdown waits for it); nothing else starts
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdown(stopped);
        }
        super.doStop();
    }

    /** The route is removed (or the context stops): the session no longer waits for this consumer to run. */
    @Override
    protected void doShutdown() throws Exception {
        StreamingSession started;
        synchronized (this) {
            started = session;
        }
        if (started != null) {
            started.detach(this);
        }
        super.doShutdown();
    }

    @Override
    protected void doSuspend() throws Exception {
        stopTaking();
    }

    @Override
    protected void doResume() throws Exception {
        startTaking();
    }

    private void startTaking() {
        StreamingSession started;
        synchronized (this) {
            accepting = true;
            failuresInRow = 0;
            started = session;
        }
        started.subscribe(this);
    }

    /** Leaves the session and settles every event not started as not processed; returns the worker. */
    private ScheduledExecutorService stopTaking() {
        StreamingSession started;
        synchronized (this) {
            started = session;
        }
        if (started != null) {
            started.pause(this);
        }
        List<Pending> notStarted;
        ScheduledExecutorService stopped;
        synchronized (this) {
            accepting = false;
            notStarted = new ArrayList<>(queue);
            queue.clear();
            if (backingOff != null) {
                notStarted.add(0, backingOff);
                backingOff = null;
            }
            draining = false;
            stopped = worker;
        }
        notStarted.forEach(pending -> pending.delivery().settle(false));
        if (!notStarted.isEmpty()) {
            LOG.info("The events consumer stopped with {} events not processed: they are not acknowledged",
                     notStarted.size());
        }
        return stopped;
    }

    @Override
    public Object key() {
        return getRouteId() != null ? getRouteId() : this;
    }

    @Override
    public boolean accepts(String type) {
        return eventTypes.isEmpty() || eventTypes.contains(type);
    }

    @Override
    public void deliver(JsonNode event, StreamingSession.Delivery delivery) {
        synchronized (this) {
            if (accepting) {
                queue.add(new Pending(event, delivery));
                if (draining) {
                    return;
                }
                if (submit(() -> drain(), 0)) {
                    draining = true;
                    return;
                }
                queue.pollLast();
            }
        }
        delivery.settle(false);
    }

    /** Poll and session failures reach the exception handler (the route's error handler with bridgeErrorHandler). */
    @Override
    public void failed(String what, Throwable failure) {
        synchronized (this) {
            if (accepting && submit(() -> getExceptionHandler().handleException(what, failure), 0)) {
                return;
            }
        }
        LOG.debug("{}: {}", what, failure.getMessage());
    }

    private boolean submit(Runnable task, long delayMillis) {
        try {
            worker.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException stopping) {
            return false;
        }
    }

    /** Processes queued events in order until the queue is empty or a route failed. */
    private void drain() {
        while (true) {
            Pending next;
            synchronized (this) {
                next = accepting ? queue.poll() : null;
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            if (process(next.event())) {
                synchronized (this) {
                    failuresInRow = 0;
                }
                next.delivery().settle(true);
                continue;
            }
            synchronized (this) {
                if (!accepting) {
                    draining = false;
                    next.delivery().settle(false);
                    return;
                }
                failuresInRow++;
                backingOff = next;
                long delay = backoffMillis(failuresInRow);
                LOG.debug("An event's route failed ({} in a row): the next event in {} ms", failuresInRow, delay);
                if (!submit(this::endBackoff, delay)) {
                    backingOff = null;
                    draining = false;
                    next.delivery().settle(false);
                }
                return;
            }
        }
    }

    private void endBackoff() {
        Pending failed;
        synchronized (this) {
            failed = backingOff;
            backingOff = null;
        }
        if (failed != null) {
            failed.delivery().settle(false);
        }
        drain();
    }

    /** backoffDelay, doubled per failure in a row, at most backoffMaxDelay. */
    private long backoffMillis(int failures) {
        AlvariaMessagingConfiguration config = endpoint.getConfiguration();
        long delay = config.getBackoffDelay() << Math.min(failures - 1, 30);
        return delay <= 0 || delay > config.getBackoffMaxDelay() ? config.getBackoffMaxDelay() : delay;
    }

    /** Runs the route for one event; whether it succeeded. */
    private boolean process(JsonNode event) {
        Exchange exchange = createExchange(event);
        try {
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        Exception failure = exchange.getException();
        if (failure != null) {
            getExceptionHandler().handleException("Processing an Alvaria event failed", exchange, failure);
        }
        releaseExchange(exchange, false);
        return failure == null;
    }

    private Exchange createExchange(JsonNode event) {
        Exchange exchange = createExchange(false);
        Message message = exchange.getMessage();
        message.setBody(endpoint.getConfiguration().isEventsAsJson() ? event.toString()
                : mapper.convertValue(event, Map.class));
        setIfPresent(message, AlvariaMessagingConstants.EVENT_ID, text(event, "eventId"));
        setIfPresent(message, AlvariaMessagingConstants.EVENT_CATEGORY, text(event, "category"));
        setIfPresent(message, AlvariaMessagingConstants.EVENT_TYPE, text(event, "type"));
        setIfPresent(message, AlvariaMessagingConstants.INTERACTION_ID, text(event, "interactionId"));
        setIfPresent(message, AlvariaMessagingConstants.USER_ID, text(event, "userId"));
        return exchange;
    }

    private static void setIfPresent(Message message, String header, String value) {
        if (value != null) {
            message.setHeader(header, value);
        }
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
    }
}
