package io.github.camelalvaria.messaging.app;

import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Every log line, as "LEVEL logger - message", while open; the given loggers at the given levels until closed. */
public final class CapturedLogLines implements AutoCloseable {

    private final StringWriter lines = new StringWriter();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final Map<String, Level> previousLevels = new LinkedHashMap<>();
    private final WriterAppender appender;

    public CapturedLogLines(Map<String, Level> levels) {
        appender = WriterAppender.newBuilder().setName("captured-" + System.nanoTime()).setTarget(lines)
                .setLayout(PatternLayout.newBuilder().withPattern("%-5level %c - %msg%n").build()).build();
        appender.start();
        context.getConfiguration().addAppender(appender);
        context.getRootLogger().addAppender(appender);
        levels.forEach((logger, level) -> {
            previousLevels.put(logger, LogManager.getLogger(logger).getLevel());
            Configurator.setLevel(logger, level);
        });
    }

    public String text() {
        return lines.toString();
    }

    @Override
    public void close() {
        context.getRootLogger().removeAppender(appender);
        appender.stop();
        previousLevels.forEach(Configurator::setLevel);
    }
}
