package io.github.camelalvaria.messaging.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code GET /}: the conversation view, a static page that polls {@code GET /simulator/interactions} and shows each
 * interaction as chat bubbles. Its three files are read from the classpath once; any other path is 404, as it was
 * before the page existed.
 */
final class ConversationView implements HttpHandler {

    /**
     * The page shows text from untrusted callers: scripts only from its own files (never inline), nothing loaded from
     * elsewhere, no framing.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record StaticFile(String contentType, byte[] content) {
    }

    private final Map<String, StaticFile> files = Map.of(
            "/", load("view/index.html", "text/html; charset=utf-8"),
            "/conversation.js", load("view/conversation.js", "text/javascript; charset=utf-8"),
            "/conversation.css", load("view/conversation.css", "text/css; charset=utf-8"));
    private final Replies replies;

    ConversationView(Replies replies) {
        this.replies = replies;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        StaticFile file = files.get(exchange.getRequestURI().getPath());
        String method = exchange.getRequestMethod();
        if (file == null) {
            replies.refuse(exchange, Refusal.noSuchResource());
        } else if (!"GET".equals(method) && !"HEAD".equals(method)) {
            replies.refuse(exchange, Refusal.methodNotAllowed(method, "GET, HEAD"));
        } else {
            exchange.getResponseHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            replies.content(exchange, file.contentType(), file.content());
        }
    }

    private static StaticFile load(String resource, String contentType) {
        try (InputStream in = ConversationView.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " of the conversation view is missing");
            }
            return new StaticFile(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
