package io.github.camelalvaria.messaging.client;

import java.io.IOException;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.util.function.Suppliers;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.ssl.TransportSecurityLayer;
import org.apache.hc.core5.util.Timeout;

/**
 * What makes two HTTP clients different. Endpoints whose settings are equal share one client, one connection pool and
 * one set of I/O threads (one per core).
 *
 * @param sslContextParameters {@code null} for the JVM's default trust (certificates and host names are verified
 *                             either way)
 * @param proxyHost            {@code null} for a direct connection
 */
public record HttpClientSettings(
        Duration connectTimeout, int maxConnectionsPerHost, String proxyHost, Integer proxyPort,
        SSLContextParameters sslContextParameters) {

    /**
     * Each connection's three session buffers (input, output, and the piece a response body is read in), 8 KB each by
     * default and held as long as the connection is open. The API's requests are under a kilobyte and its answers
     * mostly a 202 without a body; the input and output buffers grow to fit a larger head or body, a larger body is
     * read in 1 KB pieces, and a request body over 2 KB goes past the buffer to the socket.
     */
    private static final int SESSION_BUFFER_SIZE = 1024;
    private static final Http1Config HTTP_1 = Http1Config.custom().setBufferSize(SESSION_BUFFER_SIZE).build();

    /**
     * Builds and starts an async client: no automatic retries or redirects, so Camel's redelivery is the only one.
     * Without a proxy it is HttpClient's minimal client, which sends each request straight to a pooled connection and
     * skips the full client's redirect, retry, cookie and authentication steps: the API needs none of them, and they
     * cost a tenth or more of the CPU a request (README, "Performance"). Through a proxy, the full client routes it.
     */
    public CloseableHttpAsyncClient start(CamelContext camelContext) throws GeneralSecurityException, IOException {
        // HttpClient checks the host name itself too: a Camel SSLContextParameters context may reset the JSSE
        // endpoint identification that HttpClient otherwise relies on
        ClientTlsStrategyBuilder tls = ClientTlsStrategyBuilder.create()
                .setHostVerificationPolicy(HostnameVerificationPolicy.BOTH)
                .setHostnameVerifier(new DefaultHostnameVerifier());
        TlsStrategy tlsStrategy;
        if (sslContextParameters != null) {
            // the user's key and trust stores are read now: a mistake in them fails the start, not the first call
            tlsStrategy = tls.setSslContext(sslContextParameters.createSSLContext(camelContext)).buildAsync();
        } else {
            tlsStrategy = new DeferredTlsStrategy(Suppliers.memorize(() -> tls.useSystemProperties().buildAsync()));
        }
        var connections = PoolingAsyncClientConnectionManagerBuilder.create()
                .setTlsStrategy(tlsStrategy)
                .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .build())
                .setMaxConnPerRoute(maxConnectionsPerHost)
                .setMaxConnTotal(maxConnectionsPerHost * 2)
                .build();
        CloseableHttpAsyncClient client = proxyHost == null
                ? HttpAsyncClients.createMinimal(H2Config.DEFAULT, HTTP_1, IOReactorConfig.DEFAULT,
                                                 connections)
                : HttpAsyncClients.custom()
                        .setConnectionManager(connections)
                        .setHttp1Config(HTTP_1)
                        .setProxy(new HttpHost(proxyHost, proxyPort == null ? 80 : proxyPort))
                        .disableAutomaticRetries()
                        .disableRedirectHandling()
                        .disableCookieManagement()
                        .disableAuthCaching()
                        .build();
        client.start();
        return client;
    }

    /**
     * The JVM's default TLS, set up when the first https connection is opened: loading the default trust store takes
     * a quarter of a second of a cold start, which a client of an http:// address (the simulator) never needs.
     */
    private record DeferredTlsStrategy(Supplier<TlsStrategy> strategy) implements TlsStrategy {

        @Override
        public void upgrade(TransportSecurityLayer sessionLayer, NamedEndpoint endpoint, Object attachment,
                            Timeout handshakeTimeout, FutureCallback<TransportSecurityLayer> callback) {
            strategy.get().upgrade(sessionLayer, endpoint, attachment, handshakeTimeout, callback);
        }

        @Override
        @Deprecated
        public boolean upgrade(TransportSecurityLayer sessionLayer, HttpHost host, SocketAddress localAddress,
                               SocketAddress remoteAddress, Object attachment, Timeout handshakeTimeout) {
            return strategy.get().upgrade(sessionLayer, host, localAddress, remoteAddress, attachment,
                                          handshakeTimeout);
        }
    }
}
