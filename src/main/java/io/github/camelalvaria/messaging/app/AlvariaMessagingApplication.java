package io.github.camelalvaria.messaging.app;

import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The integration app: camel-main with the root {@code application.properties}, the YAML routes in {@code routes/},
 * the Java routes and configuration of this package that the properties name, and (unless a real tenant is
 * configured) the embedded simulator.
 */
public final class AlvariaMessagingApplication {

    /** Where the app reads its configuration; relative to the working directory, the repository root. */
    public static final String PROPERTIES = "file:application.properties";

    private AlvariaMessagingApplication() {
    }

    /** The exit status of an app whose start failed. */
    static final int START_FAILED = 1;

    private static final Logger LOG = LoggerFactory.getLogger(AlvariaMessagingApplication.class);

    public static void main(String... args) {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(PROPERTIES);
        try {
            main.run(args);
        } catch (Exception e) {
            // what the configuration started before the failure (the embedded simulator, the management server's
            // Vert.x) has threads that would keep the JVM alive: a supervisor would see a hung app, not a failed one
            LOG.error("The app did not start", e);
            System.exit(START_FAILED);
        }
    }
}
