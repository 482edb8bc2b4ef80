package io.github.camelalvaria.messaging.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelalvaria.messaging.AlvariaMessagingComponent;
import io.github.camelalvaria.messaging.SecretWatch;
import io.github.camelalvaria.messaging.simulator.AlvariaSimulator;
import io.github.camelalvaria.messaging.simulator.Faults;
import io.github.camelalvaria.messaging.simulator.SessionRecord;
import io.github.camelalvaria.messaging.simulator.SimulatorRecord;
import io.github.camelalvaria.messaging.simulator.SimulatorSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.util.FileUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.INTERACTION_ID;
import static io.github.camelalvaria.messaging.AlvariaMessagingConstants.OPERATION;
import static io.github.camelalvaria.messaging.app.DeadLetterHeaders.FAILURE_ATTEMPTS;
import static io.github.camelalvaria.messaging.app.DeadLetterHeaders.FAILURE_MESSAGE;
import static io.github.camelalvaria.messaging.app.DeadLetterHeaders.FAILURE_REASON;
import static io.github.camelalvaria.messaging.app.DeadLetterHeaders.FAILURE_STATUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault soak: the app (camel-main, application.properties, the real queue-to-chat and file-to-chat routes and
 * {@code alvaria-error-handling}) takes {@value #DEFAULT_MESSAGES} messages by default, three in five from an
 * embedded Artemis queue, two in five as files, and posts them to the simulator while it throttles (429 with Retry-After), fails (500, 503),
 * drops connections before and after accepting, stalls, refuses tokens and lets them expire mid-run. Every message
 * carries an id; the simulator's record says how often each was delivered, the dead-letter queue and the
 * {@code .failed/} folder which were dead-lettered and why. One message in ten is permanently undeliverable on
 * purpose (an unknown interaction, or a sendUrl whose body is not a URL), and one in twenty goes to an interaction that
 * has ended, which the simulator answers 410 with an error that does not name the session. The producers use the
 * component's managed streaming session, so a 410 read as "the session is gone" would show as a re-created session.
 *
 * <p>The chat-to-file events route runs too (requireAcknowledgement): {@value #EVENTS_PER_MESSAGES} customer message
 * per ten messages is injected while they are sent, and the route fails (its interaction's folder is blocked by a
 * file) for the events of one interaction in five until all are injected. Asserted: every event is saved (none
 * lost), all are acknowledged in the end, and at no sample were more acknowledged than saved (none acknowledged
 * before its route succeeded).
 *
 * <p>What is asserted is what the bridges guarantee: no message is lost (each is delivered or dead-lettered, and
 * every dead letter says why); a message is delivered more than once, or delivered and dead-lettered, only after an
 * ambiguous failure (the simulator accepted it and dropped the connection before answering), so those extras are
 * bounded by the simulator's count of them; the permanent failures are dead-lettered and never delivered; a healthy
 * message is dead-lettered only when the faults outlasted every redelivery (or both tokens of one call were dead).
 *
 * <p>{@code -Dalvaria.soak.messages=100000} (or {@code mvn verify -Psoak}) runs the large soak.
 */
class FaultSoakTest {

    static final int DEFAULT_MESSAGES = 1_000;
    private static final int MESSAGES = Integer.getInteger("alvaria.soak.messages", DEFAULT_MESSAGES);
    private static final int MAXIMUM_REDELIVERIES = 8;
    /** How many times, spread over the run, every token the simulator issued is made to expire at once. */
    private static final int TOKEN_EXPIRIES = 3;
    private static final Duration BETWEEN_TOKEN_EXPIRIES = Duration.ofSeconds(2);
    /** Customer messages injected per ten messages sent. */
    static final int EVENTS_PER_MESSAGES = 1;
    private static final int EVENTS = Math.max(10, MESSAGES * EVENTS_PER_MESSAGES / 10);
    private static final String ENDED_INTERACTION_ID = "4323";
    private static final String CHAT_INTERACTION = "4321";
    /** The route fails for this interaction's events while its folder is blocked. */
    private static final String BLOCKED_INTERACTION = "4324";

    /** At least 28% of messaging calls faulted; the rest of the faults on top. */
    private static final Faults FAULTS = Faults.NONE
            .withTooManyRequests(0.08, 1)
            .withServerErrors(0.07)
            .withUnavailable(0.07, 0)
            .withDroppedConnections(0.03)
            .withDropsAfterAccept(0.03)
            .withLatency(1)
            .withLatencySpikes(0.02, 400)
            .withEarlyTokenExpiry(0.02)
            .withTokenUnavailable(0.1);

    private static final String QUEUE = "soak.outbound";
    private static final String DEAD_LETTER_QUEUE = "soak.outbound.dead";
    private static final Path ROOT = Path.of("target/fault-soak");
    private static final Path INBOX = ROOT.resolve("inbox");
    private static final Path DEFAULT_DEAD_LETTERS = ROOT.resolve("dead-letter");
    private static final Path CHAT_OUT = ROOT.resolve("chat-out");
    private static final Pattern ID = Pattern.compile("soak-[qf]-\\d{6}");
    private static final Pattern EVENT_ID = Pattern.compile("evt-\\d+");

    @RegisterExtension
    static final SecretWatch SECRETS = new SecretWatch();

    private static EmbeddedArtemis broker;
    private static AlvariaSimulator simulator;
    private static QueueBridgeInstance app;

    private final ObjectMapper json = new ObjectMapper();
    private int tokenExpiriesDone;
    private final List<String> injectedEvents = new ArrayList<>();
    private long mostAcknowledgedOverSaved = Long.MIN_VALUE;
    private long lastTokenExpiry = System.nanoTime();

    /** What a message is, which decides how it must end. */
    enum Kind {
        TEXT, URL,
        /** to interaction 9999, which the simulator does not know: 404 */
        UNKNOWN_INTERACTION,
        /** a sendUrl whose body is not a URL: refused by the component before anything is sent */
        INVALID_URL,
        /** to interaction 4323, which has ended: 410, an error that does not name the session */
        ENDED_INTERACTION;

        boolean permanent() {
            return this == UNKNOWN_INTERACTION || this == INVALID_URL || this == ENDED_INTERACTION;
        }

        String interactionId() {
            return switch (this) {
                case UNKNOWN_INTERACTION -> "9999";
                case ENDED_INTERACTION -> ENDED_INTERACTION_ID;
                default -> "4321";
            };
        }
    }

    record Sent(String id, boolean viaQueue, Kind kind) {
    }

    record DeadLetter(String id, String reason, int status, String message, int attempts) {

        /** Dead-lettered because faults outlasted every redelivery, or because a renewed token was dead too. */
        boolean beatenByFaults() {
            return "retries-exhausted".equals(reason) || "rejected".equals(reason) && status == 401;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        FileUtil.removeDir(ROOT.toFile());
        Files.createDirectories(INBOX);
        SimulatorSettings tenant = SimulatorSettings.DEMO.withPort(0).withWorkerThreads(8)
                .withApiKey("soak-api-key-7f3e").withClient("demo-client", "soak-client-secret-91b2");
        SECRETS.secretsOf(tenant);
        simulator = AlvariaSimulator.start(tenant);
        simulator.addInteraction(ENDED_INTERACTION_ID, "agent-1");
        simulator.endInteraction(ENDED_INTERACTION_ID);
        simulator.addInteraction(BLOCKED_INTERACTION, "agent-1");
        Files.createDirectories(CHAT_OUT);
        Files.writeString(CHAT_OUT.resolve(BLOCKED_INTERACTION), "a file where the route wants a folder");
        broker = new EmbeddedArtemis();
        Map<String, String> overrides = new HashMap<>();
        overrides.put("alvaria.jms.queue", QUEUE);
        overrides.put("alvaria.jms.dead-letter-queue", DEAD_LETTER_QUEUE);
        overrides.put("alvaria.jms.concurrent-consumers", "24");
        // as many files in flight as queue consumers: both bridges carry the same load through the same faults
        overrides.put("alvaria.file.max-in-flight", "24");
        overrides.put("alvaria.file.enabled", "true");
        overrides.put("alvaria.file.inbox", INBOX.toString());
        overrides.put("alvaria.file.interaction-id", "4322");
        overrides.put("alvaria.dead-letter.default-uri", "file:" + DEFAULT_DEAD_LETTERS);
        overrides.put("alvaria.redelivery.maximum-redeliveries", Integer.toString(MAXIMUM_REDELIVERIES));
        overrides.put("alvaria.redelivery.initial-delay", "20");
        overrides.put("alvaria.redelivery.maximum-delay", "200");
        // no session id: the producers share the component's managed session
        overrides.put("camel.component.alvaria-messaging.session-id", null);
        overrides.put("camel.main.routes-include-pattern",
                      "file:routes/queue-to-chat.yaml,file:routes/file-to-chat.yaml,file:routes/chat-to-file.yaml");
        overrides.put("alvaria.chat-out.enabled", "true");
        overrides.put("alvaria.chat-out.require-acknowledgement", "true");
        overrides.put("alvaria.chat-out.folder", CHAT_OUT.toString());
        // the cluster lock and the events session's stored id, fresh each run (a stale id would be adopted, and dropped)
        overrides.put("alvaria.cluster.file.root", ROOT.resolve("cluster").toString());
        overrides.put("camel.component.alvaria-messaging.backoff-delay", "100");
        overrides.put("camel.component.alvaria-messaging.backoff-max-delay", "400");
        app = new QueueBridgeInstance("soak", broker.url(), simulator, overrides);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void everyMessageIsDeliveredOrDeadLetteredWithItsReasonAndDuplicatesOnlyFollowAmbiguousFailures()
            throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> eventsSession().isPresent());
        simulator.setFaults(FAULTS);
        List<Sent> sent = plan();
        long started = System.nanoTime();
        sendToQueue(sent.stream().filter(Sent::viaQueue).toList());
        dropFiles(sent.stream().filter(message -> !message.viaQueue()).toList());

        // about 15 ms a message measured on a loaded 2-core machine; twice that before giving up
        Duration patience = Duration.ofSeconds(60).plusMillis(30L * MESSAGES);
        await().atMost(patience).pollInterval(Duration.ofMillis(250)).until(() -> {
            // a file being sent is in .inflight/ until it is done or failed
            long remaining = broker.messageCount(QUEUE) + filesIn(INBOX).size()
                             + filesIn(INBOX.resolve(".inflight")).size();
            expireTokensAsTheRunProgresses(sent.size() - remaining, sent.size());
            injectEventsAndCheckTheirAcknowledgements();
            return remaining == 0;
        });
        while (injectedEvents.size() < EVENTS) {
            injectEventsAndCheckTheirAcknowledgements();
        }
        unblockTheFailingInteraction();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> savedEvents().keySet().containsAll(injectedEvents)
                        && eventsSession().orElseThrow().eventsAcknowledged() >= injectedEvents.size());
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        simulator.setFaults(Faults.NONE);

        Map<String, Sent> byId = sent.stream().collect(Collectors.toMap(Sent::id, Function.identity()));
        Map<String, Long> deliveries = deliveriesById();
        List<DeadLetter> deadLetters = new ArrayList<>(deadLettersFromQueue());
        deadLetters.addAll(deadLettersFromFolder(sent.stream().filter(message -> !message.viaQueue()).count()));
        Map<String, DeadLetter> deadById = deadLetters.stream()
                .collect(Collectors.toMap(DeadLetter::id, Function.identity()));
        SimulatorRecord record = simulator.record();
        long duplicates = deliveries.values().stream().mapToLong(count -> count - 1).sum();
        Set<String> deliveredAndDead = new HashSet<>(deliveries.keySet());
        deliveredAndDead.retainAll(deadById.keySet());
        long ambiguous = record.droppedAfterAccept();
        long faulted = record.refused(429) + record.refused(500) + record.refused(503) + record.droppedConnections();
        long calls = record.acceptedCount() + record.refused().values().stream().mapToLong(Long::longValue).sum()
                + record.droppedConnections() - ambiguous;
        long onPurpose = sent.stream().filter(message -> message.kind().permanent()).count();
        Map<String, Long> saved = savedEvents();
        long acknowledged = eventsSession().orElseThrow().eventsAcknowledged();
        long eventDeliveries = eventsSession().orElseThrow().eventsDelivered();
        AlvariaMessagingComponent component = app.context()
                .getComponent("alvaria-messaging", AlvariaMessagingComponent.class);
        System.out.printf(Locale.ROOT, "Fault soak: sent %d (queue %d, files %d), delivered %d, dead-lettered %d"
                        + " (%d on purpose, %d beaten by faults), duplicates %d, delivered and dead-lettered %d,"
                        + " ambiguous failures %d, faulted calls %.1f%% of %d, token expiries %d,"
                        + " 401s %d (messaging calls %d), tokens issued %d, 410s %d, sessions created %d"
                        + " (re-created %d), events injected %d,"
                        + " delivered %d times, saved %d (%d files), acknowledged %d, acknowledged before saved %d,"
                        + " time %.1f s%n",
                sent.size(), sent.stream().filter(Sent::viaQueue).count(),
                sent.stream().filter(message -> !message.viaQueue()).count(), deliveries.size(), deadById.size(),
                onPurpose, deadById.size() - onPurpose, duplicates, deliveredAndDead.size(), ambiguous,
                100.0 * faulted / calls, calls, tokenExpiriesDone, record.deadTokensRefused(), record.refused(401),
                record.tokensIssued(), record.refused(410), simulator.sessionsCreated(),
                component.sessionRecreationCount(),
                injectedEvents.size(), eventDeliveries, saved.size(), saved.values().stream().mapToLong(Long::longValue).sum(),
                acknowledged, Math.max(0, mostAcknowledgedOverSaved), took.toMillis() / 1000.0);

        // nothing lost, nothing invented, nothing dead-lettered twice
        assertThat(deadLetters).extracting(DeadLetter::id).doesNotHaveDuplicates();
        Set<String> accountedFor = new HashSet<>(deliveries.keySet());
        accountedFor.addAll(deadById.keySet());
        assertThat(accountedFor).isEqualTo(byId.keySet());
        assertThat(deliveries.size() + deadById.size() - deliveredAndDead.size()).isEqualTo(sent.size());
        // every ambiguous failure adds at most one extra: a second delivery, or a delivery of a dead letter
        assertThat(duplicates + deliveredAndDead.size()).isLessThanOrEqualTo(ambiguous);

        // every dead letter says why
        assertThat(deadLetters).allSatisfy(dead -> {
            assertThat(dead.reason()).isIn("validation", "rejected", "retries-exhausted");
            assertThat(dead.message()).isNotBlank();
            assertThat(dead.attempts()).isBetween(0, MAXIMUM_REDELIVERIES + 1);
        });
        // the permanent failures are all dead-lettered, for their reason unless the faults got there first
        for (Sent message : sent) {
            DeadLetter dead = deadById.get(message.id());
            switch (message.kind()) {
                case INVALID_URL -> {
                    assertThat(dead).as(message.id()).isNotNull();
                    assertThat(dead.reason()).isEqualTo("validation");
                    assertThat(dead.status()).isZero();
                    assertThat(dead.attempts()).isZero();
                    assertThat(dead.message()).contains("url");
                    assertThat(deliveries).doesNotContainKey(message.id());
                }
                case ENDED_INTERACTION -> {
                    assertThat(dead).as(message.id()).isNotNull();
                    assertThat(dead.status() == 410 && "rejected".equals(dead.reason()) || dead.beatenByFaults())
                            .as("%s", dead).isTrue();
                    assertThat(deliveries).doesNotContainKey(message.id());
                }
                case UNKNOWN_INTERACTION -> {
                    assertThat(dead).as(message.id()).isNotNull();
                    assertThat(dead.status() == 404 && "rejected".equals(dead.reason()) || dead.beatenByFaults())
                            .as("%s", dead).isTrue();
                    assertThat(deliveries).doesNotContainKey(message.id());
                }
                default -> assertThat(dead == null || dead.beatenByFaults()).as("%s", dead).isTrue();
            }
        }
        assertThat(simulator.accepted("9999")).isEmpty();
        assertThat(simulator.accepted(ENDED_INTERACTION_ID)).isEmpty();

        // a 410 for an ended interaction keeps the session: one for the producers, one for the events route
        assertThat(record.refused(410)).as("410s for the ended interaction").isPositive();
        assertThat(component.sessionRecreationCount()).as("sessions re-created").isZero();
        assertThat(simulator.sessionsCreated()).as("sessions created").isEqualTo(2);
        assertThat(simulator.concurrentPollViolations()).isZero();

        // every event saved (none lost), acknowledged only after its route saved it, and in the end all acknowledged
        assertThat(saved.keySet()).containsAll(injectedEvents);
        assertThat(mostAcknowledgedOverSaved).as("events acknowledged beyond those saved, at the worst sample")
                .isLessThanOrEqualTo(0);
        assertThat(acknowledged).isEqualTo(injectedEvents.size());
        assertThat(eventDeliveries).as("deliveries: the blocked interaction's events failed and came again")
                .isGreaterThan(injectedEvents.size());
        assertThat(filesIn(DEFAULT_DEAD_LETTERS)).as("dead letters outside the bridges' channels").isEmpty();

        // the faults were there, and tokens expired mid-run
        assertThat((double) faulted / calls).as("share of faulted messaging calls").isGreaterThanOrEqualTo(0.20);
        assertThat(record.refused(429)).isPositive();
        assertThat(record.refused(500)).isPositive();
        assertThat(record.refused(503)).isPositive();
        assertThat(record.droppedConnections()).isGreaterThan(ambiguous);
        assertThat(tokenExpiriesDone).isPositive();
        // the first call to meet a dead token may be the events route's poll, whose renewal spares the producers
        assertThat(record.deadTokensRefused()).as("calls refused for an expired token").isPositive();
        assertThat(record.tokensIssued()).as("tokens issued, renewals included").isGreaterThan(1);

        SECRETS.scanEndpoints(app.context());
        SECRETS.scanFiles(ROOT);
    }

    /**
     * Three in five messages by queue, two by file (the file consumer's in-progress list holds 50,000 files, so the
     * large soak stays below it); in every 20 of each, two are undeliverable and two are URLs.
     */
    private static List<Sent> plan() {
        List<Sent> plan = new ArrayList<>();
        for (int number = 0; number < MESSAGES; number++) {
            boolean viaQueue = number % 5 < 3;
            Kind kind = switch (number / 5 % 20) {
                case 0 -> Kind.UNKNOWN_INTERACTION;
                case 10 -> Kind.INVALID_URL;
                case 5, 15 -> Kind.URL;
                case 7 -> Kind.ENDED_INTERACTION;
                default -> Kind.TEXT;
            };
            plan.add(new Sent(String.format(Locale.ROOT, "soak-%s-%06d", viaQueue ? "q" : "f", number), viaQueue,
                              kind));
        }
        return plan;
    }

    private static String content(Sent message) {
        return switch (message.kind()) {
            case TEXT, UNKNOWN_INTERACTION, ENDED_INTERACTION ->
                    "Message " + message.id() + ": your order is on its way.";
            case URL -> "https://help.example.com/orders/" + message.id();
            case INVALID_URL -> "not a url " + message.id();
        };
    }

    /** One connection for all of them, as a producing application would send. */
    private static void sendToQueue(List<Sent> messages) {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.url());
             JMSContext context = factory.createContext()) {
            JMSProducer producer = context.createProducer();
            for (Sent message : messages) {
                boolean url = message.kind() == Kind.URL || message.kind() == Kind.INVALID_URL;
                producer.setProperty(OPERATION, url ? "sendUrl" : "sendText");
                producer.setProperty(INTERACTION_ID, message.kind().interactionId());
                producer.send(context.createQueue(QUEUE), content(message));
            }
        }
    }

    /** Each written under another name and renamed, as the README asks writers to do. */
    private static void dropFiles(List<Sent> messages) throws IOException {
        for (Sent message : messages) {
            boolean url = message.kind() == Kind.URL || message.kind() == Kind.INVALID_URL;
            String header = message.kind().permanent() && message.kind() != Kind.INVALID_URL
                    ? "Interaction: " + message.kind().interactionId() + "\n\n" : "";
            Path part = INBOX.resolve(message.id() + ".part");
            Files.writeString(part, header + content(message));
            Files.move(part, INBOX.resolve(message.id() + (url ? ".url" : ".txt")));
        }
    }

    /**
     * At a quarter, half and three quarters of the run, but at least {@link #BETWEEN_TOKEN_EXPIRIES} apart, every
     * token issued so far stops working. (Two expiries in quick succession could also kill the token that replaced
     * the first, and a call refused twice is given up by design.)
     */
    private void expireTokensAsTheRunProgresses(long finished, long total) {
        long now = System.nanoTime();
        if (tokenExpiriesDone < TOKEN_EXPIRIES && finished * (TOKEN_EXPIRIES + 1) >= total * (tokenExpiriesDone + 1)
            && now - lastTokenExpiry >= BETWEEN_TOKEN_EXPIRIES.toNanos()) {
            simulator.expireAllTokens();
            tokenExpiriesDone++;
            lastTokenExpiry = now;
        }
    }

    /**
     * A tenth of the customer messages per call (one call per 250 ms while the messages are sent), one in five on the
     * interaction whose route fails while its folder is blocked; the folder is unblocked once all are injected. Each
     * call checks that no more events are acknowledged than saved.
     */
    private void injectEventsAndCheckTheirAcknowledgements() throws IOException {
        // read before the files: an event saved between the two reads only makes the check stricter
        long acknowledged = eventsSession().orElseThrow().eventsAcknowledged();
        mostAcknowledgedOverSaved = Math.max(mostAcknowledgedOverSaved, acknowledged - savedEvents().size());
        int due = Math.min(EVENTS, injectedEvents.size() + Math.max(1, EVENTS / 10));
        while (injectedEvents.size() < due) {
            String interaction = injectedEvents.size() % 5 == 0 ? BLOCKED_INTERACTION : CHAT_INTERACTION;
            injectedEvents.add(simulator.injectCustomerMessage(interaction, "Customer message "
                                                                             + injectedEvents.size()).eventId());
        }
    }

    private static void unblockTheFailingInteraction() throws IOException {
        Path blocker = CHAT_OUT.resolve(BLOCKED_INTERACTION);
        if (Files.isRegularFile(blocker)) {
            Files.delete(blocker);
        }
    }

    /** The events route's session (the one created with requireAcknowledgement). */
    private static Optional<SessionRecord> eventsSession() {
        return simulator.sessions().stream().filter(SessionRecord::requireAcknowledgement).findFirst();
    }

    /** How many files the chat-to-file route saved for each event id. */
    private static Map<String, Long> savedEvents() throws IOException {
        if (!Files.isDirectory(CHAT_OUT)) {
            return Map.of();
        }
        try (Stream<Path> files = Files.walk(CHAT_OUT)) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".txt") && !name.startsWith("."))
                    .map(EVENT_ID::matcher).filter(Matcher::find).map(Matcher::group)
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        }
    }

    /** How many times the simulator accepted each message, by the id in its text or URL. */
    private static Map<String, Long> deliveriesById() {
        return Stream.of("4321", "4322")
                .flatMap(interaction -> simulator.accepted(interaction).stream())
                .map(accepted -> idIn(accepted.text() != null ? accepted.text() : accepted.url()))
                .collect(Collectors.groupingBy(Function.identity(), LinkedHashMap::new, Collectors.counting()));
    }

    private List<DeadLetter> deadLettersFromQueue() throws Exception {
        long expected = broker.messageCount(DEAD_LETTER_QUEUE);
        List<Message> messages = broker.drain(DEAD_LETTER_QUEUE);
        assertThat(messages).hasSize((int) expected);
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (Message message : messages) {
            String body = message.getBody(String.class);
            SECRETS.scan("dead-letter queue message", body + " " + properties(message));
            assertThat(message.propertyExists(FAILURE_ATTEMPTS)).isTrue();
            deadLetters.add(new DeadLetter(idIn(body), message.getStringProperty(FAILURE_REASON),
                                           message.getIntProperty(FAILURE_STATUS),
                                           message.getStringProperty(FAILURE_MESSAGE),
                                           message.getIntProperty(FAILURE_ATTEMPTS)));
        }
        return deadLetters;
    }

    /** Each failed file with its {@code .error.json}; a delivered file is in {@code .done/}, never in both. */
    private List<DeadLetter> deadLettersFromFolder(long files) throws IOException {
        Set<String> done = filesIn(INBOX.resolve(".done")).stream().map(FaultSoakTest::idIn)
                .collect(Collectors.toSet());
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (Path failed : filesIn(INBOX.resolve(".failed"))) {
            if (failed.getFileName().toString().endsWith(".error.json")) {
                continue;
            }
            String id = idIn(failed);
            assertThat(done).doesNotContain(id);
            Path errorFile = failed.resolveSibling(failed.getFileName() + ".error.json");
            assertThat(errorFile).exists();
            JsonNode error = json.readTree(errorFile.toFile());
            deadLetters.add(new DeadLetter(id, error.path("reason").asText(), error.path("status").asInt(),
                                           error.path("message").asText(), error.path("attempts").asInt()));
        }
        assertThat(done.size() + deadLetters.size()).as("files done or failed").isEqualTo(files);
        return deadLetters;
    }

    private static Map<String, Object> properties(Message message) throws JMSException {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Object name : Collections.list(message.getPropertyNames())) {
            properties.put((String) name, message.getObjectProperty((String) name));
        }
        return properties;
    }

    private static String idIn(Path file) {
        return idIn(file.getFileName().toString());
    }

    private static String idIn(String text) {
        Matcher matcher = ID.matcher(text);
        assertThat(matcher.find()).as("a soak id in %s", text).isTrue();
        return matcher.group();
    }

    /** The regular files directly in the folder (not in .done/ or .failed/ below it). */
    private static List<Path> filesIn(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
