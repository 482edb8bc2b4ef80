package io.github.camelalvaria.messaging.app;

import jakarta.jms.ConnectionFactory;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/**
 * Binds {@value #BEAN}, the queue bridge's Apache Artemis connection factory: {@code alvaria.jms.broker-url}, and
 * {@code alvaria.jms.user} with {@code alvaria.jms.password} when a user is given (a blank user connects anonymously;
 * an empty one would be refused by a broker that has a guest account). It is created when the bridge's route first
 * looks it up, so an app with the bridge off loads none of the Artemis client; creating it opens no connection, which
 * the route's start does.
 */
@Configuration
public class JmsConnectionFactoryConfiguration implements CamelConfiguration {

    static final String BEAN = "alvariaJmsConnectionFactory";

    @Override
    public void configure(CamelContext context) {
        context.getRegistry().bind(BEAN, ConnectionFactory.class, () -> create(context));
    }

    private static ConnectionFactory create(CamelContext context) {
        ActiveMQConnectionFactory connectionFactory
                = new ActiveMQConnectionFactory(context.resolvePropertyPlaceholders("{{alvaria.jms.broker-url}}"));
        String user = context.resolvePropertyPlaceholders("{{alvaria.jms.user}}");
        if (!user.isBlank()) {
            connectionFactory.setUser(user);
            connectionFactory.setPassword(context.resolvePropertyPlaceholders("{{alvaria.jms.password}}"));
        }
        return connectionFactory;
    }
}
