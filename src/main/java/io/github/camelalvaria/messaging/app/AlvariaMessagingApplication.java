package io.github.camelalvaria.messaging.app;

import org.apache.camel.main.Main;

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

    public static void main(String... args) throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(PROPERTIES);
        main.run(args);
    }
}
