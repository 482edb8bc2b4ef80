package io.github.camelalvaria.messaging;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.StateRepository;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;

/**
 * Options of the {@code alvaria-messaging} component. The component holds the shared defaults; each endpoint gets a
 * copy that its URI parameters override.
 */
@UriParams
public class AlvariaMessagingConfiguration implements Cloneable {

    public static final String DEFAULT_BASE_URL = "https://{orgId}.via.aspect-cloud.net";
    public static final String DEFAULT_TOKEN_URL = "https://myaspect.id.aspect-cloud.net/tokenservice/oauth2/access_token";
    public static final String DEFAULT_RETRYABLE_STATUS_CODES = "408,425,429,500,502,503,504";

    @UriParam(description = "The customer organization (Alvaria orgId): part of every API path, the default host name"
                            + " and the token realm.")
    @Metadata(required = true)
    private String orgId;
    @UriParam(defaultValue = DEFAULT_BASE_URL,
              description = "The API's base URL; {orgId} is replaced by the organization.")
    private String baseUrl = DEFAULT_BASE_URL;
    @UriParam(description = "The interaction (chat or SMS conversation) to post into. Required for every message:"
                            + " from this option, the CamelAlvariaInteractionId header or a structured body.")
    private String interactionId;
    @UriParam(description = "The Alvaria user (from the provisioning API) on whose behalf messages are posted."
                            + " Required for every message: from this option or the CamelAlvariaUserId header.")
    private String userId;
    @UriParam(description = "The name of the entity posting, e.g. the agent's name. Required for every message:"
                            + " from this option, the CamelAlvariaEntityName header or a structured body.")
    private String entityName;
    @UriParam(defaultValue = "Agent", enums = "Agent,Monitor,System",
              description = "The type of the entity posting.")
    private String entityType = "Agent";
    @UriParam(description = "The streaming session id sent as the via-client-sessionid header. Unset, the component"
                            + " creates and keeps alive a streaming session of its own.")
    private String sessionId;
    @UriParam(label = "session", defaultValue = "120",
              description = "The managed session's inactivityDelay: seconds without an events poll before the server"
                            + " drops it.")
    private int inactivityDelay = 120;
    @UriParam(label = "session", defaultValue = "5",
              description = "The managed session's maxEvents: the most events one poll returns.")
    private int maxEvents = 5;
    @UriParam(label = "session", defaultValue = "false",
              description = "Create the managed session with requireAcknowledgement: events are acknowledged only"
                            + " after their route succeeded, so a crash means redelivery rather than loss.")
    private boolean requireAcknowledgement;
    @UriParam(label = "consumer", description = "Only events of these types (comma separated, e.g."
                                                + " customerMessage,interactionEnded) become exchanges; unset, all do.")
    private String eventTypes;
    @UriParam(label = "consumer",
              description = "Where the events consumer keeps its managed session's id, so that another instance taking"
                            + " over (or this one after a restart) carries on with the same session: the events a"
                            + " previous owner received and never acknowledged, and those queued while nobody polled,"
                            + " come to it. Before creating a session the consumer adopts the stored id (a server that"
                            + " no longer has it leads to a new session, whose id is stored); stopping leaves the"
                            + " session on the server, which drops it after inactivityDelay without a poll. Every"
                            + " instance must read what the last one wrote: a shared repository that reads through."
                            + " Producers ignore it.")
    private StateRepository<String, String> sessionStateRepository;
    @UriParam(label = "consumer", defaultValue = "false",
              description = "The event as its JSON text instead of a java.util.Map.")
    private boolean eventsAsJson;
    @UriParam(label = "consumer", defaultValue = "1000", javaType = "java.time.Duration",
              description = "After an event's route failed, the events consumer waits this long before it takes the"
                            + " next event (and, with requireAcknowledgement, before the failed event may be delivered"
                            + " again); the wait doubles with each failure in a row, up to backoffMaxDelay.")
    private long backoffDelay = 1000;
    @UriParam(label = "consumer", defaultValue = "60000", javaType = "java.time.Duration",
              description = "The longest wait of the events consumer's backoff after failed routes.")
    private long backoffMaxDelay = 60_000;
    @UriParam(label = "notification", defaultValue = "composing", enums = "composing",
              description = "The state a notification announces.")
    private String state = "composing";
    @UriParam(label = "notification",
              description = "How many seconds (1 to 30) a notification stays active; unset leaves it to the server.")
    private Integer expiresAfterSeconds;

    @UriParam(label = "security", secret = true,
              description = "The Alvaria-provided API key, sent as the x-api-key header.")
    @Metadata(required = true)
    private String apiKey;
    @UriParam(label = "security", secret = true,
              description = "A fixed bearer token to use instead of the client-credentials grant.")
    private String accessToken;
    @UriParam(label = "security", description = "The OAuth 2.0 client id for the client-credentials grant.")
    private String clientId;
    @UriParam(label = "security", secret = true, description = "The OAuth 2.0 client secret.")
    private String clientSecret;
    @UriParam(label = "security", defaultValue = DEFAULT_TOKEN_URL,
              description = "The token endpoint; the region's host differs (see README). {orgId} is replaced by"
                            + " orgId.")
    private String tokenUrl = DEFAULT_TOKEN_URL;
    @UriParam(label = "security", defaultValue = "messagingapi",
              description = "The scopes requested with the token, space separated.")
    private String scope = "messagingapi";
    @UriParam(label = "security", description = "TLS settings (trust store, key store, protocols) for both the API and"
                                                + " the token endpoint.")
    private SSLContextParameters sslContextParameters;

    @UriParam(label = "advanced", defaultValue = "10000", javaType = "java.time.Duration",
              description = "How long to wait for a TCP connection.")
    private long connectTimeout = 10_000;
    @UriParam(label = "advanced", defaultValue = "30000", javaType = "java.time.Duration",
              description = "How long to wait for the response once the request is sent (socket inactivity).")
    private long requestTimeout = 30_000;
    @UriParam(label = "advanced", defaultValue = "30000", javaType = "java.time.Duration",
              description = "How long a request waits for a pooled connection to come free (all maxConnectionsPerHost"
                            + " busy) before it fails with AlvariaRetryableException, unsent.")
    private long connectionRequestTimeout = 30_000;
    @UriParam(label = "advanced", defaultValue = DEFAULT_RETRYABLE_STATUS_CODES,
              description = "HTTP statuses that fail with AlvariaRetryableException (comma separated); every other"
                            + " non-2xx fails with AlvariaPermanentException.")
    private String retryableStatusCodes = DEFAULT_RETRYABLE_STATUS_CODES;
    @UriParam(label = "advanced", defaultValue = "120000", javaType = "java.time.Duration",
              description = "The longest Retry-After honoured through the CamelRedeliveryDelay header.")
    private long maxRetryAfter = 120_000;
    @UriParam(label = "rateLimit", defaultValue = "true",
              description = "The tenant's rate-limit gate: a 429, or a 503 with Retry-After, makes every send of the"
                            + " tenant (organization and credentials) wait until the time the server named, instead of"
                            + " each message spending a redelivery on the closed window; after a 429 it paces the"
                            + " tenant's sends under the rate the platform accepted. False switches the gate and the"
                            + " client-side limits off.")
    private boolean rateLimitGate = true;
    @UriParam(label = "rateLimit", javaType = "java.time.Duration",
              description = "The longest a send waits at the closed gate; when the gate stays closed longer, the send"
                            + " fails at once with AlvariaRetryableException and the remaining wait in"
                            + " CamelRedeliveryDelay. Unset: as long as the server asked, capped by maxRetryAfter.")
    private Long maxGateWait;
    @UriParam(label = "rateLimit", defaultValue = "0",
              description = "A client-side limit of the tenant's requests per second (a token bucket shared by all"
                            + " its endpoints), to stay under the platform's limit; 0: none.")
    private int maxRequestsPerSecond;
    @UriParam(label = "rateLimit", defaultValue = "false",
              description = "Adapt the tenant's concurrency to the platform's limit: halved on a 429, raised by one"
                            + " after a limit's worth of successes, up to maxConnectionsPerHost.")
    private boolean adaptiveConcurrency;
    @UriParam(defaultValue = "true",
              description = "Whether a non-2xx answer fails the exchange; when false the exchange carries"
                            + " CamelHttpResponseCode and the route decides.")
    private boolean throwExceptionOnFailure = true;
    @UriParam(label = "advanced", defaultValue = "64",
              description = "The most connections kept open to one host (the most requests in flight to it).")
    private int maxConnectionsPerHost = 64;
    @UriParam(label = "proxy", description = "The HTTP proxy host.")
    private String proxyHost;
    @UriParam(label = "proxy", description = "The HTTP proxy port.")
    private Integer proxyPort;
    @UriParam(label = "advanced", description = "Your own Apache HttpClient 5 async client (started and closed by"
                                                + " you); TLS, proxy, pool and connect-timeout options then do not"
                                                + " apply.")
    private CloseableHttpAsyncClient httpClient;

    public AlvariaMessagingConfiguration copy() {
        try {
            return (AlvariaMessagingConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    public String getOrgId() {
        return orgId;
    }

    public void setOrgId(String orgId) {
        this.orgId = orgId;
    }

    public String getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String getInteractionId() {
        return interactionId;
    }

    public void setInteractionId(String interactionId) {
        this.interactionId = interactionId;
    }

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    public String getEntityName() {
        return entityName;
    }

    public void setEntityName(String entityName) {
        this.entityName = entityName;
    }

    public String getEntityType() {
        return entityType;
    }

    public void setEntityType(String entityType) {
        this.entityType = entityType;
    }

    public String getSessionId() {
        return sessionId;
    }

    public void setSessionId(String sessionId) {
        this.sessionId = sessionId;
    }

    public int getInactivityDelay() {
        return inactivityDelay;
    }

    public void setInactivityDelay(int inactivityDelay) {
        this.inactivityDelay = inactivityDelay;
    }

    public int getMaxEvents() {
        return maxEvents;
    }

    public void setMaxEvents(int maxEvents) {
        this.maxEvents = maxEvents;
    }

    public boolean isRequireAcknowledgement() {
        return requireAcknowledgement;
    }

    public void setRequireAcknowledgement(boolean requireAcknowledgement) {
        this.requireAcknowledgement = requireAcknowledgement;
    }

    public String getEventTypes() {
        return eventTypes;
    }

    public void setEventTypes(String eventTypes) {
        this.eventTypes = eventTypes;
    }

    public StateRepository<String, String> getSessionStateRepository() {
        return sessionStateRepository;
    }

    public void setSessionStateRepository(StateRepository<String, String> sessionStateRepository) {
        this.sessionStateRepository = sessionStateRepository;
    }

    public boolean isEventsAsJson() {
        return eventsAsJson;
    }

    public void setEventsAsJson(boolean eventsAsJson) {
        this.eventsAsJson = eventsAsJson;
    }

    public String getState() {
        return state;
    }

    public void setState(String state) {
        this.state = state;
    }

    public Integer getExpiresAfterSeconds() {
        return expiresAfterSeconds;
    }

    public void setExpiresAfterSeconds(Integer expiresAfterSeconds) {
        this.expiresAfterSeconds = expiresAfterSeconds;
    }

    public String getApiKey() {
        return apiKey;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public String getAccessToken() {
        return accessToken;
    }

    public void setAccessToken(String accessToken) {
        this.accessToken = accessToken;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getClientSecret() {
        return clientSecret;
    }

    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }

    public String getTokenUrl() {
        return tokenUrl;
    }

    public void setTokenUrl(String tokenUrl) {
        this.tokenUrl = tokenUrl;
    }

    public String getScope() {
        return scope;
    }

    public void setScope(String scope) {
        this.scope = scope;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public long getBackoffDelay() {
        return backoffDelay;
    }

    public void setBackoffDelay(long backoffDelay) {
        this.backoffDelay = backoffDelay;
    }

    public long getBackoffMaxDelay() {
        return backoffMaxDelay;
    }

    public void setBackoffMaxDelay(long backoffMaxDelay) {
        this.backoffMaxDelay = backoffMaxDelay;
    }

    public long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public long getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(long requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public long getConnectionRequestTimeout() {
        return connectionRequestTimeout;
    }

    public void setConnectionRequestTimeout(long connectionRequestTimeout) {
        this.connectionRequestTimeout = connectionRequestTimeout;
    }

    public String getRetryableStatusCodes() {
        return retryableStatusCodes;
    }

    public void setRetryableStatusCodes(String retryableStatusCodes) {
        this.retryableStatusCodes = retryableStatusCodes;
    }

    public long getMaxRetryAfter() {
        return maxRetryAfter;
    }

    public void setMaxRetryAfter(long maxRetryAfter) {
        this.maxRetryAfter = maxRetryAfter;
    }

    public boolean isThrowExceptionOnFailure() {
        return throwExceptionOnFailure;
    }

    public void setThrowExceptionOnFailure(boolean throwExceptionOnFailure) {
        this.throwExceptionOnFailure = throwExceptionOnFailure;
    }

    public boolean isRateLimitGate() {
        return rateLimitGate;
    }

    public void setRateLimitGate(boolean rateLimitGate) {
        this.rateLimitGate = rateLimitGate;
    }

    public Long getMaxGateWait() {
        return maxGateWait;
    }

    public void setMaxGateWait(Long maxGateWait) {
        this.maxGateWait = maxGateWait;
    }

    public int getMaxRequestsPerSecond() {
        return maxRequestsPerSecond;
    }

    public void setMaxRequestsPerSecond(int maxRequestsPerSecond) {
        this.maxRequestsPerSecond = maxRequestsPerSecond;
    }

    public boolean isAdaptiveConcurrency() {
        return adaptiveConcurrency;
    }

    public void setAdaptiveConcurrency(boolean adaptiveConcurrency) {
        this.adaptiveConcurrency = adaptiveConcurrency;
    }

    public int getMaxConnectionsPerHost() {
        return maxConnectionsPerHost;
    }

    public void setMaxConnectionsPerHost(int maxConnectionsPerHost) {
        this.maxConnectionsPerHost = maxConnectionsPerHost;
    }

    public String getProxyHost() {
        return proxyHost;
    }

    public void setProxyHost(String proxyHost) {
        this.proxyHost = proxyHost;
    }

    public Integer getProxyPort() {
        return proxyPort;
    }

    public void setProxyPort(Integer proxyPort) {
        this.proxyPort = proxyPort;
    }

    public CloseableHttpAsyncClient getHttpClient() {
        return httpClient;
    }

    public void setHttpClient(CloseableHttpAsyncClient httpClient) {
        this.httpClient = httpClient;
    }
}
