package io.github.camelalvaria.messaging;

import java.io.StringWriter;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Every log line, at DEBUG, of this project, Camel and HttpClient (not its wire log) while it is open. */
final class CapturedLogs implements AutoCloseable {

    private static final String[] LOGGERS = { "io.github.camelalvaria", "org.apache.camel", "org.apache.hc.client5" };

    private final StringWriter lines = new StringWriter();
    private final WriterAppender appender;
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);

    CapturedLogs() {
        appender = WriterAppender.newBuilder().setName("captured-" + System.nanoTime()).setTarget(lines)
                .setLayout(PatternLayout.newBuilder().withPattern("%-5level %c - %msg %throwable%n").build()).build();
        appender.start();
        context.getConfiguration().addAppender(appender);
        context.getRootLogger().addAppender(appender);
        for (String logger : LOGGERS) {
            Configurator.setLevel(logger, Level.DEBUG);
        }
        // headers and wire logs of HttpClient show what was sent by design; they stay off as in the shipped config
        Configurator.setLevel("org.apache.hc.client5.http.headers", Level.INFO);
        Configurator.setLevel("org.apache.hc.client5.http.wire", Level.INFO);
    }

    String text() {
        return lines.toString();
    }

    @Override
    public void close() {
        context.getRootLogger().removeAppender(appender);
        appender.stop();
        Configurator.setLevel("io.github.camelalvaria", Level.INFO);
        Configurator.setLevel("org.apache.camel", Level.WARN);
        Configurator.setLevel("org.apache.hc.client5", Level.WARN);
    }
}
