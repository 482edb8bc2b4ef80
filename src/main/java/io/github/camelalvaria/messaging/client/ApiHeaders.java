package io.github.camelalvaria.messaging.client;

import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * The headers every API request of one client carries: JSON accepted and the api key, built once; the bearer token and
 * the streaming session, built once per value they take rather than once per request.
 */
final class ApiHeaders {

    static final String API_KEY_HEADER = "x-api-key";
    static final String SESSION_HEADER = "via-client-sessionid";

    private final Header accept = new BasicHeader(HttpHeaders.ACCEPT, ContentType.APPLICATION_JSON.getMimeType());
    private final Header apiKey;
    // the last value each took: a token lives for an hour and a session for as long as the app, so these rarely change
    private volatile ValueHeader bearer;
    private volatile ValueHeader session;

    /** A header and the value it was built from (for the bearer header, the token without "Bearer "). */
    private record ValueHeader(String value, Header header) {
    }

    ApiHeaders(String apiKey) {
        this.apiKey = new BasicHeader(API_KEY_HEADER, apiKey);
    }

    /**
     * Makes the request an API request: JSON accepted, the bearer token, the api key, and the streaming session when
     * there is one.
     */
    SimpleHttpRequest request(SimpleHttpRequest request, String token, String sessionId, RequestConfig config) {
        request.addHeader(accept);
        request.addHeader(bearer(token));
        request.addHeader(apiKey);
        if (sessionId != null) {
            request.addHeader(session(sessionId));
        }
        request.setConfig(config);
        return request;
    }

    private Header bearer(String token) {
        ValueHeader last = bearer;
        if (last == null || !last.value().equals(token)) {
            last = new ValueHeader(token, new BasicHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token));
            bearer = last;
        }
        return last.header();
    }

    private Header session(String sessionId) {
        ValueHeader last = session;
        if (last == null || !last.value().equals(sessionId)) {
            last = new ValueHeader(sessionId, new BasicHeader(SESSION_HEADER, sessionId));
            session = last;
        }
        return last.header();
    }
}
