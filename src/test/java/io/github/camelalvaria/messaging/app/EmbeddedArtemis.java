package io.github.camelalvaria.messaging.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * An Apache Artemis broker in this JVM, in memory or {@linkplain #persistent(Path) with a journal}, with a TCP acceptor
 * on a free loopback port: the app connects to it as to any broker. Queues are created on first use, except those
 * whose name starts with {@value #NOT_AUTO_CREATED}. A rolled-back message comes back after
 * {@value #REDELIVERY_DELAY_MILLIS} ms, as often as it takes.
 */
public final class EmbeddedArtemis implements AutoCloseable {

    static final String NOT_AUTO_CREATED = "manual.";
    static final long REDELIVERY_DELAY_MILLIS = 100;

    private final EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
    private final String url;
    private final ActiveMQConnectionFactory client;

    /** In memory: whatever it holds is gone when it stops. */
    public EmbeddedArtemis() throws Exception {
        this(new ConfigurationImpl().setPersistenceEnabled(false));
    }

    /**
     * Durable messages and transactions in a journal in {@code folder}, written through to disk on every commit; a
     * broker started again on the same folder holds every message the last one had not had acknowledged.
     */
    static EmbeddedArtemis persistent(Path folder) throws Exception {
        return new EmbeddedArtemis(new ConfigurationImpl()
                .setPersistenceEnabled(true)
                // NIO: the same on every machine, where AIO needs libaio
                .setJournalType(JournalType.NIO)
                .setJournalFileSize(1024 * 1024)
                .setJournalDirectory(folder.resolve("journal").toString())
                .setBindingsDirectory(folder.resolve("bindings").toString())
                .setPagingDirectory(folder.resolve("paging").toString())
                .setLargeMessagesDirectory(folder.resolve("large-messages").toString()));
    }

    private EmbeddedArtemis(Configuration configuration) throws Exception {
        configuration
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:0")
                .addAddressSetting("#", new AddressSettings()
                        .setRedeliveryDelay(REDELIVERY_DELAY_MILLIS).setMaxDeliveryAttempts(-1))
                .addAddressSetting(NOT_AUTO_CREATED + "#", notAutoCreated())
                // the JMS client also looks for a missing queue under the 1.x name, and would create that
                .addAddressSetting("jms.queue." + NOT_AUTO_CREATED + "#", notAutoCreated());
        broker.setConfiguration(configuration).start();
        int port = ((NettyAcceptor) server().getRemotingService().getAcceptor("tcp")).getActualPort();
        url = "tcp://127.0.0.1:" + port;
        client = new ActiveMQConnectionFactory(url);
    }

    private static AddressSettings notAutoCreated() {
        return new AddressSettings().setRedeliveryDelay(REDELIVERY_DELAY_MILLIS).setMaxDeliveryAttempts(-1)
                .setAutoCreateAddresses(false).setAutoCreateQueues(false);
    }

    public String url() {
        return url;
    }

    /** Sends a TextMessage with these string properties, as a producer application would. */
    public void send(String queue, String body, Map<String, String> properties) {
        try (JMSContext context = client.createContext()) {
            JMSProducer producer = context.createProducer();
            properties.forEach(producer::setProperty);
            producer.send(context.createQueue(queue), body);
        }
    }

    /** Makes a message of any JMS type. */
    interface MessageFactory {
        Message create(JMSContext context) throws JMSException;
    }

    /** Sends the message {@code factory} makes, with these string properties. */
    void send(String queue, MessageFactory factory, Map<String, String> properties) throws JMSException {
        try (JMSContext context = client.createContext()) {
            JMSProducer producer = context.createProducer();
            properties.forEach(producer::setProperty);
            producer.send(context.createQueue(queue), factory.create(context));
        }
    }

    /** Sends one TextMessage per body, each with the same properties, in one transaction. */
    void sendAll(String queue, List<String> bodies, Map<String, String> properties) {
        try (JMSContext context = client.createContext(JMSContext.SESSION_TRANSACTED)) {
            JMSProducer producer = context.createProducer();
            properties.forEach(producer::setProperty);
            bodies.forEach(body -> producer.send(context.createQueue(queue), body));
            context.commit();
        }
    }

    /** Takes every message on the queue; call it once the queue holds what the test expects. */
    public List<Message> drain(String queue) throws Exception {
        List<Message> messages = new ArrayList<>();
        try (JMSContext context = client.createContext(); JMSConsumer consumer
                = context.createConsumer(context.createQueue(queue))) {
            for (long remaining = messageCount(queue); remaining > 0; remaining--) {
                Message message = consumer.receive(5_000);
                if (message == null) {
                    break;
                }
                messages.add(message);
            }
        }
        return messages;
    }

    /** The text of every message waiting on the queue, taking none; a redelivery not yet due is not seen. */
    List<String> browse(String queue) throws Exception {
        List<String> texts = new ArrayList<>();
        try (JMSContext context = client.createContext(); QueueBrowser browser
                = context.createBrowser(context.createQueue(queue))) {
            for (Object message : Collections.list(browser.getEnumeration())) {
                texts.add(((TextMessage) message).getText());
            }
        }
        return texts;
    }

    /** Messages on the queue, those being delivered included; 0 for a queue not created yet. */
    public long messageCount(String queue) {
        Queue found = server().locateQueue(queue);
        return found == null ? 0 : found.getMessageCount();
    }

    /** Messages handed to a consumer and neither acknowledged nor given back yet. */
    int deliveringCount(String queue) {
        Queue found = server().locateQueue(queue);
        return found == null ? 0 : found.getDeliveringCount();
    }

    long acknowledgedCount(String queue) {
        Queue found = server().locateQueue(queue);
        return found == null ? 0 : found.getMessagesAcknowledged();
    }

    int consumerCount(String queue) {
        Queue found = server().locateQueue(queue);
        return found == null ? 0 : found.getConsumerCount();
    }

    boolean queueExists(String queue) {
        return server().locateQueue(queue) != null;
    }

    void createQueue(String queue) throws Exception {
        server().createQueue(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST)
                                     .setAutoCreateAddress(true));
    }

    /** Cuts every client connection, as a crashed app or a broken network would: unacknowledged messages go back. */
    void failAllConnections() {
        server().getRemotingService().getConnections()
                .forEach(connection -> connection.fail(new ActiveMQException("test: connection cut")));
    }

    private ActiveMQServer server() {
        return broker.getActiveMQServer();
    }

    @Override
    public void close() throws Exception {
        client.close();
        broker.stop();
    }
}
