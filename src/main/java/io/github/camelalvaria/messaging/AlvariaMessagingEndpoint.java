package io.github.camelalvaria.messaging;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import io.github.camelalvaria.messaging.client.AccessTokenSource;
import io.github.camelalvaria.messaging.client.ClientCredentialsTokenSource;
import io.github.camelalvaria.messaging.client.FailureMapper;
import io.github.camelalvaria.messaging.client.FixedAccessToken;
import io.github.camelalvaria.messaging.client.HttpClientSettings;
import io.github.camelalvaria.messaging.client.MessagingClient;
import io.github.camelalvaria.messaging.client.PathSegment;
import io.github.camelalvaria.messaging.client.RateLimitGate;
import io.github.camelalvaria.messaging.client.StreamingSession;
import org.apache.camel.AsyncEndpoint;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Post text, a URL or a typing notification into a live Alvaria chat or SMS interaction, and receive the events of the
 * streaming session (Alvaria Public Cloud Messaging REST API v2.0.1).
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "alvaria-messaging", title = "Alvaria Messaging",
             syntax = "alvaria-messaging:operation",
             headersClass = AlvariaMessagingConstants.class,
             category = { Category.CHAT, Category.CLOUD, Category.API })
public class AlvariaMessagingEndpoint extends DefaultEndpoint implements AsyncEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(AlvariaMessagingEndpoint.class);
    private static final String STREAMING_SCOPE = "streamingapi";

    @UriPath(enums = "sendText,sendUrl,notification,events",
             description = "What the endpoint does: sendText posts the body as text, sendUrl posts the body as a URL,"
                           + " notification posts a typing (composing) state (producers); events receives the"
                           + " managed streaming session's events (consumer).")
    @Metadata(required = true)
    private AlvariaOperation operation;
    @UriParam
    private AlvariaMessagingConfiguration configuration;

    private MessagingCallFactory callFactory;
    private MessagingClient client;
    private MessagingMetrics metrics;
    private AlvariaMessagingHealthCheck.Prerequisite prerequisite;
    private StreamingSession session;
    private HttpClientSettings sharedHttpClient;
    private AlvariaMessagingComponent.SessionKey managedSession;
    private AlvariaMessagingComponent.GateKey gateKey;
    private ClientCredentialsTokenSource.Key tokenGrant;

    public AlvariaMessagingEndpoint(String uri, AlvariaMessagingComponent component,
                                    AlvariaMessagingConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public AlvariaMessagingComponent getComponent() {
        return (AlvariaMessagingComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        if (!operation.sends()) {
            throw new IllegalArgumentException("alvaria-messaging:events is a consumer: use it in from(), and"
                                               + " sendText, sendUrl or notification in to()");
        }
        return new AlvariaMessagingProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (operation.sends()) {
            throw new IllegalArgumentException("alvaria-messaging:" + operation + " only sends: consume"
                                               + " alvaria-messaging:events instead");
        }
        AlvariaMessagingConsumer consumer
                = new AlvariaMessagingConsumer(this, processor, getComponent().getObjectMapper());
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        // an empty session id (an unset environment variable, say) means: manage one
        if (configuration.getSessionId() != null && configuration.getSessionId().isBlank()) {
            configuration.setSessionId(null);
        }
        new OptionsCheck(operation.name(), configuration).check();
        callFactory = new MessagingCallFactory(operation, configuration, getComponent().getObjectMapper());
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        AlvariaMessagingConfiguration config = configuration;
        boolean fixedToken = config.getAccessToken() != null && !config.getAccessToken().isBlank();
        String organizationUrl = organizationUrl(config);
        // first, so that limits at odds with another endpoint's fail the start before anything else is held
        RateLimitGate.Entrance gate = enterGate(config, organizationUrl, fixedToken);
        CloseableHttpAsyncClient http = config.getHttpClient();
        if (http == null) {
            SSLContextParameters tls = config.getSslContextParameters() != null
                    ? config.getSslContextParameters() : getComponent().globalSslContextParameters();
            sharedHttpClient = new HttpClientSettings(Duration.ofMillis(config.getConnectTimeout()),
                                                      config.getMaxConnectionsPerHost(), config.getProxyHost(),
                                                      config.getProxyPort(), tls);
            http = getComponent().acquireHttpClient(sharedHttpClient);
        }
        FailureMapper failures = getComponent().failureMapper(config.getRetryableStatusCodes());
        RequestConfig requestConfig = RequestConfig.custom()
                .setResponseTimeout(Timeout.ofMilliseconds(config.getRequestTimeout()))
                .setConnectionRequestTimeout(Timeout.ofMilliseconds(config.getConnectionRequestTimeout()))
                .build();
        // the events consumer polls, so it always has a session of its own making: never two polls on one session
        boolean manageSession = config.getSessionId() == null || !operation.sends();
        String tokenUrl = config.getTokenUrl().replace("{orgId}", config.getOrgId());
        if (!fixedToken) {
            tokenGrant = ClientCredentialsTokenSource.Key.of(tokenUrl, config.getClientId(), config.getOrgId(),
                                                             scope(config.getScope(), manageSession),
                                                             config.getClientSecret());
        }
        AccessTokenSource tokens = fixedToken
                ? new FixedAccessToken(config.getAccessToken())
                : getComponent().acquireTokenSource(tokenGrant, config.getClientSecret(), requestConfig, failures);
        if (manageSession) {
            // the repository hands the events consumer's session over; a producer's session is its own
            managedSession = new AlvariaMessagingComponent.SessionKey(
                    organizationUrl, tokens, config.getApiKey(),
                    new StreamingSession.Settings(config.getInactivityDelay(), config.getMaxEvents(),
                                                  config.isRequireAcknowledgement()),
                    operation.sends() ? null : config.getSessionStateRepository());
            session = getComponent().acquireSession(managedSession, http, sharedHttpClient, requestConfig, failures);
        }
        client = new MessagingClient(http, tokens, organizationUrl, config.getApiKey(), requestConfig,
                                     getComponent().getObjectMapper().writer(), failures, session, gate);
        metrics = getComponent().metrics();
        if (session != null || !fixedToken) {
            prerequisite = new AlvariaMessagingHealthCheck.Prerequisite(
                    "client " + config.getClientId() + " of " + config.getOrgId(), tokens, http, organizationUrl,
                    session);
        }
        warnIfPlainHttpLeavesTheMachine(organizationUrl, "the access token and api key");
        if (!fixedToken) {
            warnIfPlainHttpLeavesTheMachine(tokenUrl, "the client secret");
        }
        LOG.info("alvaria-messaging:{} ready for {} with {} and {}", operation, organizationUrl,
                 fixedToken ? "a fixed access token" : "client credentials of client " + config.getClientId(),
                 manageSession ? "a managed streaming session" : "a configured session id");
    }

    /** The tenant's gate, shared with its other endpoints; none for the events consumer or with rateLimitGate=false. */
    private RateLimitGate.Entrance enterGate(AlvariaMessagingConfiguration config, String organizationUrl,
                                             boolean fixedToken) throws AlvariaValidationException {
        if (!operation.sends() || !config.isRateLimitGate()) {
            return RateLimitGate.Entrance.NONE;
        }
        gateKey = new AlvariaMessagingComponent.GateKey(
                organizationUrl, config.getApiKey(), fixedToken ? null : config.getTokenUrl(),
                fixedToken ? null : config.getClientId(), fixedToken ? config.getAccessToken() : null);
        RateLimitGate gate = getComponent().acquireGate(operation.name(), gateKey, new RateLimitGate.Limits(
                config.getMaxRequestsPerSecond(), config.isAdaptiveConcurrency(),
                config.isAdaptiveConcurrency() ? config.getMaxConnectionsPerHost() : 0));
        Duration maxClosure = Duration.ofMillis(config.getMaxRetryAfter());
        return gate.entrance(config.getMaxGateWait() == null ? maxClosure : Duration.ofMillis(config.getMaxGateWait()),
                             maxClosure);
    }

    @Override
    protected void doStop() throws Exception {
        if (gateKey != null) {
            getComponent().releaseGate(gateKey);
            gateKey = null;
        }
        if (managedSession != null) {
            getComponent().releaseSession(managedSession);
            managedSession = null;
        }
        if (tokenGrant != null) {
            getComponent().releaseTokenSource(tokenGrant);
            tokenGrant = null;
        }
        if (sharedHttpClient != null) {
            getComponent().releaseHttpClient(sharedHttpClient);
            sharedHttpClient = null;
        }
        client = null;
        session = null;
        prerequisite = null;
        super.doStop();
    }

    /** A managed session is a streaming session: its token needs the streamingapi scope too. */
    private static String scope(String configured, boolean manageSession) {
        return manageSession && !Arrays.asList(configured.split(" ")).contains(STREAMING_SCOPE)
                ? configured + " " + STREAMING_SCOPE : configured;
    }

    static String organizationUrl(AlvariaMessagingConfiguration config) {
        String base = config.getBaseUrl().replace("{orgId}", config.getOrgId());
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + "/via/v2/organizations/" + PathSegment.encode(config.getOrgId());
    }

    private static void warnIfPlainHttpLeavesTheMachine(String url, String secrets) {
        URI uri = URI.create(url);
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            return;
        }
        try {
            if (InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
                return;
            }
        } catch (java.net.UnknownHostException unresolved) {
            // unknown hosts get the warning too
        }
        LOG.warn("alvaria-messaging sends {} over plain http to {}: use https", secrets, uri.getHost());
    }

    MessagingClient getClient() {
        return client;
    }

    MessagingMetrics getMetrics() {
        return metrics;
    }

    /** What this endpoint must obtain before it sends, for the readiness check; empty when nothing can fail. */
    Optional<AlvariaMessagingHealthCheck.Prerequisite> prerequisite() {
        return Optional.ofNullable(prerequisite);
    }

    StreamingSession getSession() {
        return session;
    }

    MessagingCallFactory getCallFactory() {
        return callFactory;
    }

    public AlvariaOperation getOperation() {
        return operation;
    }

    /** The call to make: sendText, sendUrl or notification. */
    public void setOperation(AlvariaOperation operation) {
        this.operation = operation;
    }

    public AlvariaMessagingConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(AlvariaMessagingConfiguration configuration) {
        this.configuration = configuration;
    }

    /** The checks an endpoint's options pass before it starts; each failure names the option. */
    private record OptionsCheck(String operation, AlvariaMessagingConfiguration config) {

        void check() throws AlvariaValidationException {
            require("orgId", config.getOrgId());
            require("apiKey", config.getApiKey());
            headerSafe("apiKey", config.getApiKey());
            // an empty value switches a component default off, e.g. clientId= on an endpoint with its own accessToken
            boolean fixedToken = isSet(config.getAccessToken());
            boolean clientCredentials = isSet(config.getClientId()) || isSet(config.getClientSecret());
            if (!fixedToken && !clientCredentials) {
                throw invalid("accessToken", "no credentials: set accessToken, or clientId and clientSecret");
            }
            if (fixedToken && clientCredentials) {
                throw invalid("accessToken", "set either accessToken or clientId/clientSecret, not both");
            }
            if (fixedToken) {
                headerSafe("accessToken", config.getAccessToken());
            } else {
                require("clientId", config.getClientId());
                require("clientSecret", config.getClientSecret());
                require("scope", config.getScope());
                httpUrl("tokenUrl", config.getTokenUrl());
            }
            httpUrl("baseUrl", config.getBaseUrl());
            orgIdFits("baseUrl", config.getBaseUrl());
            if (!fixedToken) {
                orgIdFits("tokenUrl", config.getTokenUrl());
            }
            if (config.getSessionId() != null) {
                headerSafe("sessionId", config.getSessionId());
            }
            if (config.getEntityType() != null && !MessagingCallFactory.ENTITY_TYPES.contains(config.getEntityType())) {
                throw invalid("entityType", "'" + config.getEntityType() + "' is not one of Agent, Monitor, System");
            }
            if (config.getState() != null && !MessagingCallFactory.STATES.contains(config.getState())) {
                throw invalid("state", "'" + config.getState() + "' is not composing");
            }
            Integer expires = config.getExpiresAfterSeconds();
            if (expires != null && (expires < 1 || expires > MessagingCallFactory.MAX_EXPIRES_AFTER_SECONDS)) {
                throw invalid("expiresAfterSeconds", expires + " is outside 1..30");
            }
            positive("connectTimeout", config.getConnectTimeout());
            positive("requestTimeout", config.getRequestTimeout());
            positive("connectionRequestTimeout", config.getConnectionRequestTimeout());
            positive("maxConnectionsPerHost", config.getMaxConnectionsPerHost());
            positive("inactivityDelay", config.getInactivityDelay());
            positive("maxEvents", config.getMaxEvents());
            positive("backoffDelay", config.getBackoffDelay());
            if (config.getBackoffMaxDelay() < config.getBackoffDelay()) {
                throw invalid("backoffMaxDelay", "must not be less than backoffDelay");
            }
            if (config.getMaxRetryAfter() < 0) {
                throw invalid("maxRetryAfter", "must not be negative");
            }
            if (config.getMaxGateWait() != null && config.getMaxGateWait() < 0) {
                throw invalid("maxGateWait", "must not be negative");
            }
            if (config.getMaxRequestsPerSecond() < 0) {
                throw invalid("maxRequestsPerSecond", "must not be negative (0: no limit)");
            }
            if (!config.isRateLimitGate() && config.getMaxRequestsPerSecond() > 0) {
                throw invalid("maxRequestsPerSecond", "is a limit of the rate-limit gate, which rateLimitGate=false"
                                                      + " switches off");
            }
            if (!config.isRateLimitGate() && config.isAdaptiveConcurrency()) {
                throw invalid("adaptiveConcurrency", "is a limit of the rate-limit gate, which rateLimitGate=false"
                                                     + " switches off");
            }
            try {
                FailureMapper.parseStatusCodes(config.getRetryableStatusCodes());
            } catch (IllegalArgumentException e) {
                throw invalid("retryableStatusCodes", e.getMessage());
            }
            if (config.getProxyPort() != null && config.getProxyHost() == null) {
                throw invalid("proxyHost", "proxyPort is set but proxyHost is not");
            }
        }

        /** {@code {orgId}} is replaced as it is, so it may only be what a host name can hold. */
        private void orgIdFits(String option, String url) throws AlvariaValidationException {
            if (url.contains("{orgId}") && !config.getOrgId().matches("[A-Za-z0-9-]+")) {
                throw invalid("orgId", "'" + config.getOrgId() + "' cannot replace {orgId} in " + option + " "
                                       + url + ": letters, digits and '-' only");
            }
        }

        private static boolean isSet(String value) {
            return value != null && !value.isBlank();
        }

        private void require(String option, String value) throws AlvariaValidationException {
            if (!isSet(value)) {
                throw invalid(option, "the option is required");
            }
        }

        private void headerSafe(String option, String value) throws AlvariaValidationException {
            if (MessagingCallFactory.controlCharacterAt(value) >= 0) {
                throw invalid(option, "contains a control character (CR, LF, NUL ...), which cannot travel in an"
                                      + " HTTP header");
            }
        }

        private void httpUrl(String option, String value) throws AlvariaValidationException {
            require(option, value);
            try {
                URI uri = new URI(value.replace("{orgId}", "orgId"));
                if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    || uri.getHost() == null) {
                    throw invalid(option, "'" + value + "' is not an absolute http(s) URL");
                }
            } catch (URISyntaxException e) {
                throw invalid(option, "'" + value + "' is not a URL: " + e.getReason());
            }
        }

        private void positive(String option, long value) throws AlvariaValidationException {
            if (value <= 0) {
                throw invalid(option, "must be greater than zero");
            }
        }

        private AlvariaValidationException invalid(String option, String problem) {
            return new AlvariaValidationException(operation, option, problem);
        }
    }
}
