package io.github.camelalvaria.messaging.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The simulator on its own, for teams that test other clients against it: {@code java -jar
 * camel-alvaria-messaging-<version>-simulator.jar --port 8089 --org acme}. It runs until the JVM is stopped (Ctrl+C,
 * SIGTERM). Options not given keep {@link SimulatorSettings#DEMO}'s values; {@code --interaction} and {@code --user}
 * replace the demo's interactions and users.
 */
public final class SimulatorMain {

    static final String USAGE = """
            usage: java -jar camel-alvaria-messaging-<version>-simulator.jar [options]
              --port N                     loopback port (default 8089; 0 takes a free one)
              --org ID                     the organization (default demo)
              --api-key KEY                the x-api-key every call must carry (default demo-api-key)
              --client-id ID               the OAuth client id (default demo-client)
              --client-secret SECRET       that client's secret (default demo-secret)
              --interaction ID=USER        an open interaction of USER; repeatable (default 4321=agent-1, 4322=agent-1)
              --user ID                    a user without an interaction; repeatable
              --strict                     only take messages on a live streaming session
            """;

    private SimulatorMain() {
    }

    public static void main(String... args) throws InterruptedException {
        SimulatorSettings settings;
        try {
            settings = settings(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        AlvariaSimulator simulator = AlvariaSimulator.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "alvaria-simulator-shutdown"));
        System.out.println("Alvaria simulator for organization " + settings.orgId() + " on " + simulator.baseUrl()
                           + " (token URL " + simulator.tokenUrl() + ", conversations at " + simulator.baseUrl()
                           + "/); Ctrl+C stops it");
        stopped.await();
    }

    /** The settings the arguments ask for; an unknown option or a missing value names itself. */
    static SimulatorSettings settings(String... args) {
        SimulatorSettings settings = SimulatorSettings.DEMO.withPort(8089);
        Set<String> users = new LinkedHashSet<>();
        Map<String, String> interactions = new LinkedHashMap<>();
        String clientId = settings.clientId();
        String clientSecret = settings.clientSecret();
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String option = rest.remove(0);
            switch (option) {
                case "--port" -> settings = settings.withPort(integer(option, value(option, rest)));
                case "--org" -> settings = settings.withOrgId(value(option, rest));
                case "--api-key" -> settings = settings.withApiKey(value(option, rest));
                case "--client-id" -> clientId = value(option, rest);
                case "--client-secret" -> clientSecret = value(option, rest);
                case "--user" -> users.add(value(option, rest));
                case "--interaction" -> {
                    String value = value(option, rest);
                    int equals = value.indexOf('=');
                    if (equals < 1 || equals == value.length() - 1) {
                        throw new IllegalArgumentException("--interaction takes ID=USER, was " + value);
                    }
                    interactions.put(value.substring(0, equals), value.substring(equals + 1));
                }
                case "--strict" -> settings = settings.withStrictSessions(true);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        settings = settings.withClient(clientId, clientSecret);
        return users.isEmpty() && interactions.isEmpty() ? settings : settings.withOnly(users, interactions);
    }

    private static String value(String option, List<String> rest) {
        if (rest.isEmpty() || rest.get(0).startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return rest.remove(0);
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number, was " + value);
        }
    }
}
