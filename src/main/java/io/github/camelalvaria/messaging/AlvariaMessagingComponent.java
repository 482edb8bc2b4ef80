package io.github.camelalvaria.messaging;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelalvaria.messaging.client.AccessTokenSource;
import io.github.camelalvaria.messaging.client.ClientCredentialsTokenSource;
import io.github.camelalvaria.messaging.client.FailureMapper;
import io.github.camelalvaria.messaging.client.HttpClientSettings;
import io.github.camelalvaria.messaging.client.RateLimitGate;
import io.github.camelalvaria.messaging.client.StreamingSession;
import io.github.camelalvaria.messaging.model.ErrorResponse;
import org.apache.camel.Endpoint;
import org.apache.camel.SSLContextParametersAware;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.PropertyConfigurerGetter;
import org.apache.camel.spi.StateRepository;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.io.CloseMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code alvaria-messaging} component. It owns what its endpoints share: the HTTP clients (one per distinct
 * transport setting), the access-token caches (one per grant: token URL, client, secret, organization and scope),
 * the managed sessions and the rate-limit gates (one per tenant), each released when no started endpoint uses it any more.
 */
@Component("alvaria-messaging")
public class AlvariaMessagingComponent extends DefaultComponent implements SSLContextParametersAware {

    private static final Logger LOG = LoggerFactory.getLogger(AlvariaMessagingComponent.class);

    @Metadata(description = "The options every endpoint starts from; an endpoint's URI parameters override them.")
    private AlvariaMessagingConfiguration configuration = new AlvariaMessagingConfiguration();
    @Metadata(label = "security", defaultValue = "false",
              description = "Use the CamelContext's global SSLContextParameters when an endpoint sets none.")
    private boolean useGlobalSslContextParameters;

    private final ObjectMapper objectMapper = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Map<HttpClientSettings, Lease> httpClients = new HashMap<>();
    private final Map<ClientCredentialsTokenSource.Key, TokenLease> tokenSources = new HashMap<>();
    /** Token fetches of caches no longer held, so that the counts only grow. */
    private long retiredTokenFetches;
    private long retiredFailedTokenFetches;
    private final Map<SessionKey, SessionLease> sessions = new HashMap<>();
    private final Map<GateKey, GateLease> gates = new HashMap<>();
    private ScheduledExecutorService sessionScheduler;
    private ScheduledExecutorService gateScheduler;
    /** 429s and gate waits of gates no longer held, so that the counts only grow. */
    private long retiredRateLimited;
    private long retiredGateWaitNanos;
    /** Creations of sessions no longer held, so that the counts only grow. */
    private long retiredSessionCreations;
    private long retiredSessionRecreations;
    private MessagingMetrics metrics;
    private AlvariaMessagingHealthCheck healthCheck;

    /** A shared client and how many started endpoints use it. */
    private record Lease(CloseableHttpAsyncClient client, int users) {
    }

    /**
     * One managed streaming session per organization URL, credentials, session settings and state repository (the
     * events consumer's, which hands the session over; producers have none, and so a session of their own).
     */
    record SessionKey(
            String organizationUrl, AccessTokenSource tokens, String apiKey, StreamingSession.Settings settings,
            StateRepository<String, String> stateRepository) {
        @Override
        public String toString() {
            return "SessionKey[" + organizationUrl + "]";
        }
    }

    /** A token cache and how many started endpoints use it. */
    private record TokenLease(ClientCredentialsTokenSource source, int users) {
    }

    private record SessionLease(StreamingSession session, HttpClientSettings httpClient, int users) {
    }

    /**
     * One rate-limit gate per tenant: the organization URL and the credentials (the client, or the fixed token).
     * Never shows the api key nor a token.
     */
    record GateKey(String organizationUrl, String apiKey, String tokenUrl, String clientId, String accessToken) {

        /** The tenant as the readiness check and the log name it. */
        String describe() {
            return organizationUrl + (accessToken == null ? " (client " + clientId + ")" : " (fixed access token)");
        }

        @Override
        public String toString() {
            return "GateKey[" + describe() + "]";
        }
    }

    private record GateLease(RateLimitGate gate, int users) {
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        AlvariaOperation operation;
        try {
            operation = AlvariaOperation.of(remaining);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid endpoint " + uri + ": " + e.getMessage(), e);
        }
        requireWholeNumbers(operation, parameters);
        AlvariaMessagingEndpoint endpoint = new AlvariaMessagingEndpoint(uri, this, configuration.copy());
        endpoint.setOperation(operation);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /**
     * Camel reads an int option's text as a time pattern when it is not a number ("5s" is 5000, "ten" is 0); the int
     * options here are counts and seconds, so their text is checked as written.
     */
    private void requireWholeNumbers(AlvariaOperation operation, Map<String, Object> parameters)
            throws AlvariaValidationException {
        PropertyConfigurerGetter options = (PropertyConfigurerGetter) getEndpointPropertyConfigurer();
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            Class<?> type = options.getOptionType(parameter.getKey(), true);
            if ((type == int.class || type == Integer.class) && parameter.getValue() instanceof String text
                    && !text.strip().matches("-?\\d+")) {
                throw new AlvariaValidationException(operation.name(), parameter.getKey(),
                                                     "'" + text + "' is not a whole number");
            }
        }
    }

    synchronized CloseableHttpAsyncClient acquireHttpClient(HttpClientSettings settings) throws Exception {
        Lease lease = httpClients.get(settings);
        if (lease == null) {
            lease = new Lease(settings.start(getCamelContext()), 0);
            LOG.debug("Started an HTTP client ({} connections per host)", settings.maxConnectionsPerHost());
        }
        httpClients.put(settings, new Lease(lease.client(), lease.users() + 1));
        return lease.client();
    }

    synchronized void releaseHttpClient(HttpClientSettings settings) {
        Lease lease = httpClients.get(settings);
        if (lease == null) {
            return;
        }
        if (lease.users() > 1) {
            httpClients.put(settings, new Lease(lease.client(), lease.users() - 1));
        } else {
            httpClients.remove(settings);
            lease.client().close(CloseMode.GRACEFUL);
        }
    }

    /**
     * The managed session for these credentials, started as a service (created on the server on first use) when no
     * endpoint holds it. {@code httpClientSettings} is leased for as long as the session lives ({@code null}: a user's
     * client).
     */
    synchronized StreamingSession acquireSession(
            SessionKey key, CloseableHttpAsyncClient http, HttpClientSettings httpClientSettings,
            RequestConfig requestConfig, FailureMapper failures) throws Exception {
        SessionLease lease = sessions.get(key);
        if (lease == null) {
            if (sessionScheduler == null) {
                // short tasks only (timing polls, reading answers): routes run on their consumers' threads
                sessionScheduler = getCamelContext().getExecutorServiceManager()
                        .newSingleThreadScheduledExecutor(this, "AlvariaStreamingSession");
            }
            // first, so that a repository that cannot start holds nothing; started, not stopped: it is the user's
            // bean, which other sessions or routes may share
            ServiceHelper.startService(key.stateRepository());
            if (httpClientSettings != null) {
                acquireHttpClient(httpClientSettings);
            }
            StreamingSession session = new StreamingSession(
                    http, key.tokens(), key.organizationUrl(), key.apiKey(), key.settings(), key.stateRepository(),
                    requestConfig, objectMapper, failures, sessionScheduler,
                    requestConfig.getResponseTimeout().toDuration());
            ServiceHelper.startService(session);
            lease = new SessionLease(session, httpClientSettings, 0);
        }
        sessions.put(key, new SessionLease(lease.session(), lease.httpClient(), lease.users() + 1));
        return lease.session();
    }

    /**
     * An endpoint stopped; after the last one the session is stopped, which deletes it on the server (or, with a state
     * repository, leaves it there for the next owner).
     */
    void releaseSession(SessionKey key) {
        SessionLease lease;
        synchronized (this) {
            lease = sessions.get(key);
            if (lease == null) {
                return;
            }
            if (lease.users() > 1) {
                sessions.put(key, new SessionLease(lease.session(), lease.httpClient(), lease.users() - 1));
                return;
            }
            sessions.remove(key);
            retire(lease.session());
        }
        try {
            ServiceHelper.stopService(lease.session());
        } finally {
            if (lease.httpClient() != null) {
                releaseHttpClient(lease.httpClient());
            }
        }
    }

    /**
     * The tenant's rate-limit gate, created when no endpoint holds it. Every endpoint of a tenant must ask for the same
     * limits: the first one's are the tenant's, and a different one fails its start naming the option.
     */
    synchronized RateLimitGate acquireGate(String operation, GateKey key, RateLimitGate.Limits limits)
            throws AlvariaValidationException {
        GateLease lease = gates.get(key);
        if (lease == null) {
            if (gateScheduler == null) {
                gateScheduler = getCamelContext().getExecutorServiceManager()
                        .newSingleThreadScheduledExecutor(this, "AlvariaRateLimitGate");
            }
            lease = new GateLease(new RateLimitGate(key.describe(), limits, gateScheduler), 0);
        } else if (!lease.gate().limits().equals(limits)) {
            RateLimitGate.Limits held = lease.gate().limits();
            String option = held.maxRequestsPerSecond() != limits.maxRequestsPerSecond() ? "maxRequestsPerSecond"
                    : held.adaptiveConcurrency() != limits.adaptiveConcurrency() ? "adaptiveConcurrency"
                    : "maxConnectionsPerHost";
            throw new AlvariaValidationException(operation, option, "another endpoint of " + key.describe()
                    + " started with " + held + ": endpoints of one tenant share its"
                    + " rate-limit gate, so they must set the same limits");
        }
        gates.put(key, new GateLease(lease.gate(), lease.users() + 1));
        return lease.gate();
    }

    synchronized void releaseGate(GateKey key) {
        GateLease lease = gates.get(key);
        if (lease == null) {
            return;
        }
        if (lease.users() > 1) {
            gates.put(key, new GateLease(lease.gate(), lease.users() - 1));
        } else {
            gates.remove(key);
            retire(lease.gate());
        }
    }

    private void retire(RateLimitGate gate) {
        gate.stop();
        retiredRateLimited += gate.rateLimitedCount();
        retiredGateWaitNanos += gate.waitedNanos();
    }

    /** The tenants' gates, by tenant, for the readiness check's details. */
    synchronized Map<String, RateLimitGate.State> gateStates() {
        Map<String, RateLimitGate.State> states = new TreeMap<>();
        gates.forEach((key, lease) -> states.put(key.describe(), lease.gate().state()));
        return states;
    }

    /** 429s received so far, over every gate of this component (for metrics). */
    public synchronized long rateLimitedCount() {
        return retiredRateLimited + gates.values().stream().mapToLong(lease -> lease.gate().rateLimitedCount()).sum();
    }

    /** Seconds sends spent waiting at the rate-limit gates so far, all of them together (for metrics). */
    public synchronized double gateWaitSeconds() {
        return (retiredGateWaitNanos + gates.values().stream().mapToLong(lease -> lease.gate().waitedNanos()).sum())
               / 1e9;
    }

    /** The token cache of this grant, shared by every started endpoint that uses it until the last one releases it. */
    synchronized ClientCredentialsTokenSource acquireTokenSource(
            ClientCredentialsTokenSource.Key key, String clientSecret, RequestConfig requestConfig,
            FailureMapper failures) {
        TokenLease lease = tokenSources.get(key);
        ClientCredentialsTokenSource source = lease != null ? lease.source()
                : new ClientCredentialsTokenSource(key, clientSecret, requestConfig, failures, objectMapper.reader(),
                                                   Clock.systemUTC());
        tokenSources.put(key, new TokenLease(source, lease == null ? 1 : lease.users() + 1));
        return source;
    }

    synchronized void releaseTokenSource(ClientCredentialsTokenSource.Key key) {
        TokenLease lease = tokenSources.get(key);
        if (lease == null) {
            return;
        }
        if (lease.users() > 1) {
            tokenSources.put(key, new TokenLease(lease.source(), lease.users() - 1));
        } else {
            tokenSources.remove(key);
            retiredTokenFetches += lease.source().fetchCount();
            retiredFailedTokenFetches += lease.source().failedFetchCount();
        }
    }

    /** How many token caches (grants) the started endpoints hold. */
    synchronized int tokenSourceCount() {
        return tokenSources.size();
    }

    FailureMapper failureMapper(String retryableStatusCodes) {
        // the error body's deserializer is built at the first error answer, not at the start of every endpoint
        return new FailureMapper(FailureMapper.parseStatusCodes(retryableStatusCodes), objectMapper.reader()
                .without(DeserializationFeature.EAGER_DESERIALIZER_FETCH).forType(ErrorResponse.class));
    }

    SSLContextParameters globalSslContextParameters() {
        return useGlobalSslContextParameters ? retrieveGlobalSslContextParameters() : null;
    }

    /** How many HTTP clients (connection pools) the component's started endpoints share (for tests and metrics). */
    public synchronized int httpClientCount() {
        return httpClients.size();
    }

    /** Token fetches so far, over every token cache of this component (for tests and metrics). */
    public synchronized long tokenFetchCount() {
        return retiredTokenFetches
               + tokenSources.values().stream().mapToLong(lease -> lease.source().fetchCount()).sum();
    }

    /** Token fetches that failed, over every token cache of this component. */
    public synchronized long failedTokenFetchCount() {
        return retiredFailedTokenFetches
               + tokenSources.values().stream().mapToLong(lease -> lease.source().failedFetchCount()).sum();
    }

    /** Managed streaming sessions created on the server so far, re-creations included. */
    public synchronized long sessionCreationCount() {
        return retiredSessionCreations
               + sessions.values().stream().mapToLong(lease -> lease.session().creationCount()).sum();
    }

    /** Managed streaming sessions created again after the server dropped them. */
    public synchronized long sessionRecreationCount() {
        return retiredSessionRecreations
               + sessions.values().stream().mapToLong(lease -> recreations(lease.session())).sum();
    }

    private void retire(StreamingSession session) {
        retiredSessionCreations += session.creationCount();
        retiredSessionRecreations += recreations(session);
    }

    private static long recreations(StreamingSession session) {
        return Math.max(0, session.creationCount() - 1);
    }

    /**
     * Where the producers report their messages: looked up when the first endpoint starts, after camel-main has bound
     * its meter registry.
     */
    synchronized MessagingMetrics metrics() {
        if (metrics == null) {
            boolean micrometer = getCamelContext().getClassResolver()
                    .resolveClass("io.micrometer.core.instrument.MeterRegistry") != null;
            metrics = micrometer ? MicrometerMessagingMetrics.lookup(this) : MessagingMetrics.NONE;
        }
        return metrics;
    }

    /** The started endpoints of this component, for its readiness check. */
    List<AlvariaMessagingEndpoint> startedEndpoints() {
        return getCamelContext().getEndpoints().stream()
                .filter(endpoint -> endpoint instanceof AlvariaMessagingEndpoint alvaria
                                    && alvaria.getComponent() == this && alvaria.isStarted())
                .map(AlvariaMessagingEndpoint.class::cast).toList();
    }

    ObjectMapper getObjectMapper() {
        return objectMapper;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        HealthCheckRegistry health = HealthCheckRegistry.get(getCamelContext());
        if (health != null) {
            healthCheck = new AlvariaMessagingHealthCheck(this);
            healthCheck.setCamelContext(getCamelContext());
            health.register(healthCheck);
        }
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (healthCheck != null) {
            HealthCheckRegistry.get(getCamelContext()).unregister(healthCheck);
            healthCheck = null;
        }
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
        sessions.values().forEach(lease -> {
            ServiceHelper.stopService(lease.session());
            retire(lease.session());
        });
        sessions.clear();
        // waiting sends fail before the scheduler that would let them through goes
        gates.values().forEach(lease -> retire(lease.gate()));
        gates.clear();
        if (gateScheduler != null) {
            getCamelContext().getExecutorServiceManager().shutdownNow(gateScheduler);
            gateScheduler = null;
        }
        if (sessionScheduler != null) {
            getCamelContext().getExecutorServiceManager().shutdownNow(sessionScheduler);
            sessionScheduler = null;
        }
        httpClients.values().forEach(lease -> lease.client().close(CloseMode.GRACEFUL));
        httpClients.clear();
        tokenSources.clear();
        super.doStop();
    }

    public AlvariaMessagingConfiguration getConfiguration() {
        return configuration;
    }

    /** The options every endpoint starts from. */
    public void setConfiguration(AlvariaMessagingConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public boolean isUseGlobalSslContextParameters() {
        return useGlobalSslContextParameters;
    }

    @Override
    public void setUseGlobalSslContextParameters(boolean useGlobalSslContextParameters) {
        this.useGlobalSslContextParameters = useGlobalSslContextParameters;
    }
}
