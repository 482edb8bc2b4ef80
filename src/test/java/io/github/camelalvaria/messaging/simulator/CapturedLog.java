package io.github.camelalvaria.messaging.simulator;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Everything the simulator's package logs, down to DEBUG, while open. */
final class CapturedLog implements AutoCloseable {

    private static final String PACKAGE = AlvariaSimulator.class.getPackageName();

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final AbstractAppender appender = new AbstractAppender("captured-log", null, null, true,
            Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage()
                    + (event.getThrown() == null ? "" : " " + event.getThrown()));
        }
    };

    CapturedLog() {
        Configuration configuration = context.getConfiguration();
        appender.start();
        configuration.addAppender(appender);
        LoggerConfig logger = LoggerConfig.newBuilder().withLoggerName(PACKAGE).withLevel(Level.DEBUG)
                .withAdditivity(false).withConfig(configuration).build();
        logger.addAppender(appender, Level.DEBUG, null);
        configuration.addLogger(PACKAGE, logger);
        context.updateLoggers();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        context.getConfiguration().removeLogger(PACKAGE);
        context.updateLoggers();
        appender.stop();
    }
}
