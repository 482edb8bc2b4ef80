package io.github.camelalvaria.messaging;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;

import javax.net.ssl.SSLException;

import io.github.camelalvaria.messaging.app.CapturedLogLines;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.apache.camel.Exchange;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Certificates and host names are verified by default; sslContextParameters decides whom to trust; plain http that
 * leaves the machine is warned about.
 */
class TlsTest extends AlvariaTestSupport {

    private static final String TRUST_STORE_PASSWORD = "test-trust-store";
    private static final String FIXED_TOKEN = "tls-fixed-t0ken-5b7c";

    @RegisterExtension
    static final SecretWatch SECRETS = new SecretWatch().secret("api key", MockAlvaria.API_KEY)
            .secret("client secret", MockAlvaria.CLIENT_SECRET).secret("fixed token", FIXED_TOKEN)
            .secret("trust store password", TRUST_STORE_PASSWORD);

    @TempDir
    Path folder;

    private final MockWebServer https = new MockWebServer();

    @AfterEach
    void stopHttps() {
        https.close();
    }

    @Test
    void aSelfSignedServerIsRefusedByDefault() throws Exception {
        startHttps("localhost");

        Exception failure = send(uri(""), "hello").getException();

        SECRETS.scanException("untrusted certificate", failure);
        assertThat(failure).isInstanceOf(AlvariaPermanentException.class).cause().isInstanceOf(SSLException.class);
        assertThat(https.getRequestCount()).isZero();
    }

    @Test
    void sslContextParametersThatTrustTheCertificateLetTheCallThrough() throws Exception {
        context.getRegistry().bind("simulatorTrust", trusting(startHttps("localhost")));

        Exchange exchange = send(uri("&sslContextParameters=#simulatorTrust"), "hello over TLS");

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
        assertThat(https.takeRequest().getHandshake()).isNotNull();
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
        context.getRegistry().bind("simulatorTrust", trusting(startHttps("alvaria.example.com")));

        Exception failure = send(uri("&sslContextParameters=#simulatorTrust"), "hello").getException();

        SECRETS.scanException("certificate for another host", failure);
        assertThat(failure).isInstanceOf(AlvariaPermanentException.class).cause().isInstanceOf(SSLException.class);
        assertThat(https.getRequestCount()).isZero();
    }

    @Test
    void theGlobalSslContextParametersApplyWhenTheComponentAsks() throws Exception {
        context.setSSLContextParameters(trusting(startHttps("localhost")));
        component().setUseGlobalSslContextParameters(true);

        assertThat(send(uri(""), "hello").getException()).isNull();
    }

    @Test
    void plainHttpOutsideLoopbackIsWarnedAboutAtStart() {
        try (CapturedLogLines logs = new CapturedLogLines(Map.of())) {
            // 192.0.2.0/24 is documentation space: nothing is sent, the endpoints only start
            context.getEndpoint("alvaria-messaging:sendText?baseUrl=http://192.0.2.10");
            context.getEndpoint("alvaria-messaging:sendText?baseUrl=https://192.0.2.11");
            context.getEndpoint("alvaria-messaging:sendText?baseUrl=" + alvaria.baseUrl());
            context.getEndpoint("alvaria-messaging:sendText?baseUrl=https://192.0.2.12&tokenUrl=http://192.0.2.13/token");

            assertThat(logs.text()).containsOnlyOnce("WARN  io.github.camelalvaria.messaging.AlvariaMessagingEndpoint"
                                                     + " - alvaria-messaging sends the access token and api key over"
                                                     + " plain http to 192.0.2.10: use https")
                    .containsOnlyOnce("alvaria-messaging sends the client secret over plain http to 192.0.2.13: use https")
                    .doesNotContain("plain http to 192.0.2.11").doesNotContain("plain http to 192.0.2.12")
                    .doesNotContain("plain http to 127.0.0.1");
        }
        SECRETS.scanEndpoints(context);
    }

    private String uri(String extra) {
        return "alvaria-messaging:sendText?interactionId=4321&clientId=&clientSecret=&accessToken=" + FIXED_TOKEN
               + "&baseUrl=https://localhost:" + https.getPort() + extra;
    }

    private HeldCertificate startHttps(String hostName) throws Exception {
        HeldCertificate certificate = new HeldCertificate.Builder().commonName(hostName)
                .addSubjectAlternativeName(hostName).build();
        https.useHttps(new HandshakeCertificates.Builder().heldCertificate(certificate).build().sslSocketFactory());
        https.enqueue(new MockResponse.Builder().code(202).build());
        https.start();
        return certificate;
    }

    private SSLContextParameters trusting(HeldCertificate certificate) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("simulator", certificate.certificate());
        Path file = folder.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, TRUST_STORE_PASSWORD.toCharArray());
        }
        KeyStoreParameters keyStore = new KeyStoreParameters();
        keyStore.setResource("file:" + file);
        keyStore.setPassword(TRUST_STORE_PASSWORD);
        keyStore.setType("PKCS12");
        TrustManagersParameters trustManagers = new TrustManagersParameters();
        trustManagers.setKeyStore(keyStore);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setTrustManagers(trustManagers);
        return parameters;
    }
}
