package io.github.camelalvaria.messaging.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.impl.bootstrap.AsyncServerBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.nio.AsyncRequestConsumer;
import org.apache.hc.core5.http.nio.AsyncResponseProducer;
import org.apache.hc.core5.http.nio.AsyncServerRequestHandler;
import org.apache.hc.core5.http.nio.entity.DiscardingEntityConsumer;
import org.apache.hc.core5.http.nio.support.AsyncResponseBuilder;
import org.apache.hc.core5.http.nio.support.BasicRequestConsumer;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.ListenerEndpoint;

/**
 * The fastest server we can put on loopback for client benchmarks: a non-blocking HttpCore 5 server that discards the
 * request and answers like the API, so the clients, not the server, are what is measured. It answers a token
 * ({@code expires_in} as configured, a new value each time), a streaming session and an empty events poll, its own
 * counters at {@code GET /bench/stats}, and 202 to everything else: at once, or after a delay kept on a scheduler
 * (never a thread per request), so thousands of requests can wait at the same time.
 *
 * <p>{@link #main} runs it as a process of its own ({@code [delayMillis] [tokenExpiresInSeconds] [ioThreads]}): it
 * prints {@code LOOPBACK_PORT=<port>} and stops when its standard input closes.
 */
final class LoopbackServer implements AutoCloseable {

    static final String TOKEN_PATH = "/tokenservice/oauth2/access_token";
    static final String STATS_PATH = "/bench/stats";
    static final String PORT_LINE = "LOOPBACK_PORT=";

    private final HttpAsyncServer server;
    private final int port;
    private final ScheduledExecutorService delayer;
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();

    LoopbackServer(int ioThreads) throws Exception {
        this(ioThreads, Duration.ZERO, 3599);
    }

    LoopbackServer(int ioThreads, Duration answerDelay, int tokenExpiresInSeconds) throws Exception {
        long delayMillis = answerDelay.toMillis();
        delayer = delayMillis > 0 ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "loopback-delay");
            thread.setDaemon(true);
            return thread;
        }) : null;
        server = AsyncServerBootstrap.bootstrap()
                .setCanonicalHostName("127.0.0.1")
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(ioThreads)
                                            // a burst of thousands of connects must not overflow the accept queue
                                            .setBacklogSize(16_384).build())
                .register("*", new AsyncServerRequestHandler<Message<HttpRequest, Void>>() {
                    @Override
                    public AsyncRequestConsumer<Message<HttpRequest, Void>> prepare(
                            HttpRequest request, EntityDetails entity, HttpContext context) {
                        return new BasicRequestConsumer<>(entity != null ? new DiscardingEntityConsumer<>() : null);
                    }

                    @Override
                    public void handle(Message<HttpRequest, Void> message, ResponseTrigger trigger, HttpContext context)
                            throws HttpException, IOException {
                        String path = message.getHead().getPath();
                        if (path.startsWith(TOKEN_PATH)) {
                            trigger.submitResponse(json(HttpStatus.SC_OK, "{\"access_token\":\"bench-token-"
                                    + tokens.incrementAndGet() + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                                    + tokenExpiresInSeconds + "}"), context);
                        } else if (path.endsWith("/streaming/session")) {
                            trigger.submitResponse(json(HttpStatus.SC_CREATED, "{\"sessionId\":\"bench-session-"
                                    + sessions.incrementAndGet() + "\"}"), context);
                        } else if (path.endsWith("/streaming/events")) {
                            trigger.submitResponse(json(HttpStatus.SC_OK, "[]"), context);
                        } else if (path.equals(STATS_PATH)) {
                            trigger.submitResponse(json(HttpStatus.SC_OK, "{\"tokens\":" + tokens.get()
                                    + ",\"sessions\":" + sessions.get() + ",\"messages\":" + messages.get() + "}"),
                                    context);
                        } else {
                            messages.incrementAndGet();
                            AsyncResponseProducer accepted = AsyncResponseBuilder.create(HttpStatus.SC_ACCEPTED).build();
                            if (delayer == null) {
                                trigger.submitResponse(accepted, context);
                            } else {
                                delayer.schedule(() -> submitLater(trigger, accepted, context), delayMillis,
                                                 TimeUnit.MILLISECONDS);
                            }
                        }
                    }
                })
                .create();
        server.start();
        ListenerEndpoint endpoint = server.listen(new InetSocketAddress("127.0.0.1", 0))
                .get(10, TimeUnit.SECONDS);
        port = ((InetSocketAddress) endpoint.getAddress()).getPort();
    }

    private static AsyncResponseProducer json(int status, String body) {
        return AsyncResponseBuilder.create(status).setEntity(body, ContentType.APPLICATION_JSON).build();
    }

    private static void submitLater(AsyncServerRequestHandler.ResponseTrigger trigger, AsyncResponseProducer response,
                                    HttpContext context) {
        try {
            trigger.submitResponse(response, context);
        } catch (HttpException | IOException closedMeanwhile) {
            // the client went away while the answer was held back: nothing to answer
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.close(CloseMode.IMMEDIATE);
        if (delayer != null) {
            delayer.shutdownNow();
        }
    }

    public static void main(String[] args) throws Exception {
        Duration delay = Duration.ofMillis(args.length > 0 ? Long.parseLong(args[0]) : 0);
        int tokenExpiresIn = args.length > 1 ? Integer.parseInt(args[1]) : 3599;
        int ioThreads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        try (LoopbackServer server = new LoopbackServer(ioThreads, delay, tokenExpiresIn)) {
            System.out.println(PORT_LINE + server.port);
            System.out.flush();
            InputStream parent = System.in;
            while (parent.read() >= 0) {
                // runs until the parent closes our standard input (or dies)
            }
        }
    }
}
