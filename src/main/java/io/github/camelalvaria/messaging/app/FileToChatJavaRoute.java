package io.github.camelalvaria.messaging.app;

import io.github.camelalvaria.messaging.AlvariaMessagingConstants;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * The file bridge of {@code routes/file-to-chat.yaml} in the Java DSL, to show both styles: same parser, same error
 * handling, same dead-letter route, its own inbox. Off by default ({@code alvaria.java-file.enabled}).
 */
public class FileToChatJavaRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("file:{{alvaria.java-file.inbox}}?include=.*\\.(txt|url)&processStrategy=#fileBridgeProcessStrategy")
                .routeId("file-to-chat-java")
                .routeConfigurationId(AlvariaErrorHandling.ID)
                .precondition("{{alvaria.java-file.enabled}}")
                // the consumer waits for a permit: at most max-in-flight files in flight (see file-to-chat.yaml)
                .throttle().constant("{{alvaria.java-file.max-in-flight}}").concurrentRequestsMode()
                .setProperty(FileBridgeProcessStrategy.OUTCOME, constant(FileBridgeProcessStrategy.DONE))
                .setProperty(DeadLetterHeaders.DEAD_LETTER_URI, constant("direct:file-dead-letter"))
                .setHeader(AlvariaMessagingConstants.INTERACTION_ID, constant("{{alvaria.java-file.interaction-id}}"))
                .process("chatFileParser")
                .to("alvaria-messaging:sendText")
                .log(LoggingLevel.INFO, "alvaria.delivered",
                     "Delivered ${file:name}: interaction ${header.CamelAlvariaInteractionId}"
                     + " ${header.CamelAlvariaOperation} -> HTTP ${header.CamelHttpResponseCode}");
    }
}
