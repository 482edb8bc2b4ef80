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
        write(exchange, status, body, null);
    }

    void empty(HttpExchange exchange, int status) throws IOException {
        write(exchange, status, null, null);
    }

    void refuse(HttpExchange exchange, Refusal refusal) throws IOException {
        refusal.headers.forEach(exchange.getResponseHeaders()::set);
        write(exchange, refusal.status, refusal.body, refusal.getMessage());
    }

    private void write(HttpExchange exchange, int status, Object body, String reason) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        } else {
            byte[] bytes = mapper.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
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
