package io.github.camelalvaria.messaging;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelalvaria.messaging.client.ClientCredentialsTokenSource;
import io.github.camelalvaria.messaging.client.FailureMapper;
import mockwebserver3.MockResponse;
import org.apache.camel.Exchange;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The token cache: one per grant (the secret included, never shown), released with its last endpoint, renewed ahead. */
class TokenCacheTest extends AlvariaTestSupport {

    private static final String ROTATED_SECRET = "rotated-5ecret-c0ffee";
    private static final String ODD_SECRET = "p:a+s%s wörd";

    @RegisterExtension
    static final SecretWatch SECRETS = new SecretWatch().secret("api key", MockAlvaria.API_KEY)
            .secret("client secret", MockAlvaria.CLIENT_SECRET).secret("rotated secret", ROTATED_SECRET)
            .secret("odd secret", ODD_SECRET);

    private static final String URI = "alvaria-messaging:sendText?interactionId=4321";

    @Test
    void anEndpointWithARotatedSecretGetsATokenOfItsOwn() {
        send(URI, "with the old secret");
        Exchange rotated = send(URI + "&clientSecret=RAW(" + ROTATED_SECRET + ")", "with the new secret");

        assertThat(rotated.getException()).isNull();
        assertThat(alvaria.tokenRequests()).extracting(request -> request.getHeaders().get("Authorization"))
                .containsExactly(basic(MockAlvaria.CLIENT_SECRET), basic(ROTATED_SECRET));
        assertThat(alvaria.apiRequests()).extracting(request -> request.getHeaders().get("Authorization"))
                .containsExactly("Bearer token-1", "Bearer token-2");
    }

    @Test
    void theKeyOfAGrantNeverShowsItsSecret() {
        ClientCredentialsTokenSource.Key key = ClientCredentialsTokenSource.Key.of(
                alvaria.tokenUrl(), MockAlvaria.CLIENT_ID, MockAlvaria.ORG, "messagingapi", ROTATED_SECRET);

        assertThat(key.toString()).doesNotContain(ROTATED_SECRET).doesNotContain(key.secretDigest());
        assertThat(key).isNotEqualTo(ClientCredentialsTokenSource.Key.of(
                alvaria.tokenUrl(), MockAlvaria.CLIENT_ID, MockAlvaria.ORG, "messagingapi", MockAlvaria.CLIENT_SECRET));
    }

    @Test
    void aTokenCacheNoStartedEndpointUsesIsReleased() throws Exception {
        String rotated = URI + "&clientSecret=RAW(" + ROTATED_SECRET + ")";
        send(URI, "one");
        send(rotated, "two");
        assertThat(component().tokenSourceCount()).isEqualTo(2);

        context.removeEndpoint(context.getEndpoint(rotated));

        assertThat(component().tokenSourceCount()).isEqualTo(1);
        assertThat(component().tokenFetchCount()).isEqualTo(2);
    }

    /** RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined with ':' and Base64-encoded. */
    @Test
    void theClientCredentialsAreFormEncodedForHttpBasic() {
        send(URI + "&clientSecret=RAW(" + ODD_SECRET + ")", "hello");

        String sent = alvaria.tokenRequests().get(0).getHeaders().get("Authorization");
        String decoded = new String(Base64.getDecoder().decode(sent.substring("Basic ".length())), StandardCharsets.UTF_8);
        assertThat(decoded).isEqualTo(MockAlvaria.CLIENT_ID + ":p%3Aa%2Bs%25s+w%C3%B6rd");
    }

    @Test
    void orgIdInTheTokenUrlIsReplacedAsInTheBaseUrl() {
        Exchange exchange = send(URI + "&tokenUrl=" + alvaria.tokenUrl() + "?tenant={orgId}", "hello");

        assertThat(exchange.getException()).isNull();
        assertThat(alvaria.tokenRequests()).singleElement().satisfies(request -> assertThat(request.getTarget())
                .isEqualTo(MockAlvaria.TOKEN_PATH + "?tenant=acme&realm=acme"));
    }

    @Test
    void aValidTokenKeepsServingWhileItsRenewalFails() throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (CloseableHttpAsyncClient http = HttpAsyncClients.createMinimal()) {
            http.start();
            ClientCredentialsTokenSource tokens = tokenSource(clock);
            assertThat(tokens.token(http).get(5, TimeUnit.SECONDS)).isEqualTo("token-1");

            // past the renewal time (lifetime 3599 s, renewed 60 s ahead), not yet expired; the service is down
            alvaria.answerToken(MockAlvaria.json(503, "{}"), MockAlvaria.json(503, "{}"));
            clock.moveTo(Instant.parse("2026-01-01T00:59:00Z"));
            assertThat(tokens.token(http).get(5, TimeUnit.SECONDS)).isEqualTo("token-1");
            await().atMost(Duration.ofSeconds(5)).until(() -> tokens.failedFetchCount() == 1);
            assertThat(tokens.token(http).get(5, TimeUnit.SECONDS)).isEqualTo("token-1");
            assertThat(alvaria.tokenRequests()).hasSize(2);

            // a later renewal fails too: still the valid token
            clock.moveTo(Instant.parse("2026-01-01T00:59:10Z"));
            assertThat(tokens.token(http).get(5, TimeUnit.SECONDS)).isEqualTo("token-1");
            await().atMost(Duration.ofSeconds(5)).until(() -> tokens.failedFetchCount() == 2);

            // the next renewal succeeds and its token takes over
            clock.moveTo(Instant.parse("2026-01-01T00:59:20Z"));
            assertThat(tokens.token(http).get(5, TimeUnit.SECONDS)).isEqualTo("token-1");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> "token-2".equals(tokens.token(http).get(5, TimeUnit.SECONDS)));
        }
    }

    @Test
    void anExpiredTokenIsNotServedWhileItsRenewalFails() throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (CloseableHttpAsyncClient http = HttpAsyncClients.createMinimal()) {
            http.start();
            ClientCredentialsTokenSource tokens = tokenSource(clock);
            tokens.token(http).get(5, TimeUnit.SECONDS);
            alvaria.answerToken(MockAlvaria.json(503, "{}"));

            clock.moveTo(Instant.parse("2026-01-01T01:00:00Z"));
            CompletableFuture<String> afterExpiry = tokens.token(http);

            assertThat(afterExpiry).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                    .havingCause().isInstanceOf(AlvariaRetryableException.class);
        }
    }

    private ClientCredentialsTokenSource tokenSource(Clock clock) {
        return new ClientCredentialsTokenSource(
                ClientCredentialsTokenSource.Key.of(alvaria.tokenUrl(), MockAlvaria.CLIENT_ID, MockAlvaria.ORG,
                                                    "messagingapi", MockAlvaria.CLIENT_SECRET),
                MockAlvaria.CLIENT_SECRET,
                RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(5)).build(),
                new FailureMapper(Set.of(503), new ObjectMapper().reader()), new ObjectMapper().reader(), clock);
    }

    private static String basic(String secret) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (MockAlvaria.CLIENT_ID + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8));
    }

    /** A clock the test moves: token lifetimes of an hour, checked without waiting an hour. */
    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void moveTo(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
