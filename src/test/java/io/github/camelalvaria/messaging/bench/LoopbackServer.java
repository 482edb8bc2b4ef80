package io.github.camelalvaria.messaging.bench;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.impl.bootstrap.AsyncServerBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.nio.AsyncRequestConsumer;
import org.apache.hc.core5.http.nio.AsyncServerRequestHandler;
import org.apache.hc.core5.http.nio.entity.DiscardingEntityConsumer;
import org.apache.hc.core5.http.nio.support.AsyncResponseBuilder;
import org.apache.hc.core5.http.nio.support.BasicRequestConsumer;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.ListenerEndpoint;
import org.apache.hc.core5.http.HttpRequest;

/**
 * The fastest server we can put on loopback for client benchmarks: a non-blocking HttpCore 5 server that discards the
 * request and answers 202 (or a token for the token path), so the clients, not the server, are what is measured.
 */
final class LoopbackServer implements AutoCloseable {

    static final String TOKEN_PATH = "/tokenservice/oauth2/access_token";

    private final HttpAsyncServer server;
    private final int port;

    LoopbackServer(int ioThreads) throws Exception {
        server = AsyncServerBootstrap.bootstrap()
                .setCanonicalHostName("127.0.0.1")
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(ioThreads).build())
                .register("*", new AsyncServerRequestHandler<Message<HttpRequest, Void>>() {
                    @Override
                    public AsyncRequestConsumer<Message<HttpRequest, Void>> prepare(
                            HttpRequest request, org.apache.hc.core5.http.EntityDetails entity, HttpContext context) {
                        return new BasicRequestConsumer<>(entity != null ? new DiscardingEntityConsumer<>() : null);
                    }

                    @Override
                    public void handle(Message<HttpRequest, Void> message, ResponseTrigger trigger, HttpContext context)
                            throws org.apache.hc.core5.http.HttpException, java.io.IOException {
                        boolean token = message.getHead().getPath().startsWith(TOKEN_PATH);
                        trigger.submitResponse(token
                                ? AsyncResponseBuilder.create(HttpStatus.SC_OK).setEntity(
                                        "{\"access_token\":\"bench-token\",\"token_type\":\"Bearer\",\"expires_in\":3599}",
                                        ContentType.APPLICATION_JSON).build()
                                : AsyncResponseBuilder.create(HttpStatus.SC_ACCEPTED).build(), context);
                    }
                })
                .create();
        server.start();
        ListenerEndpoint endpoint = server.listen(new InetSocketAddress("127.0.0.1", 0))
                .get(10, TimeUnit.SECONDS);
        port = ((InetSocketAddress) endpoint.getAddress()).getPort();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.close(CloseMode.IMMEDIATE);
    }
}
