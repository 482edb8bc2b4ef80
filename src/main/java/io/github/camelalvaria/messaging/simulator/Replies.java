package io.github.camelalvaria.messaging.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;

/** Writes answers and logs one debug line per request: method, path, status, never a header value or a body. */
final class Replies {

    private static final Logger LOG = LoggerFactory.getLogger(AlvariaSimulator.class);

    private final ObjectMapper mapper;

    Replies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    void json(HttpExchange exchange, int status, Object body) throws IOException {
        write(exchange, status, "application/json", mapper.writeValueAsBytes(body), null);
    }

    /** A 200 with {@code content} of {@code contentType}. */
    void content(HttpExchange exchange, String contentType, byte[] content) throws IOException {
        write(exchange, 200, contentType, content, null);
    }

    void empty(HttpExchange exchange, int status) throws IOException {
        write(exchange, status, null, null, null);
    }

    void refuse(HttpExchange exchange, Refusal refusal) throws IOException {
        refusal.headers.forEach(exchange.getResponseHeaders()::set);
        write(exchange, refusal.status, "application/json",
                refusal.body == null ? null : mapper.writeValueAsBytes(refusal.body), refusal.getMessage());
    }

    private void write(HttpExchange exchange, int status, String contentType, byte[] bytes, String reason)
            throws IOException {
        if (bytes == null) {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        } else {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            // a HEAD answer has headers only; the JDK server refuses body bytes for it
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (!head) {
                    out.write(bytes);
                }
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} -> {}{}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), status,
                    reason == null ? "" : " (" + reason + ")");
        }
    }
}
