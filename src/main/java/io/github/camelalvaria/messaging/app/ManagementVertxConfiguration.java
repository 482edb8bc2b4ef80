package io.github.camelalvaria.messaging.app;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.resolver.ResolverProvider;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With the management server on ({@code camel.management.enabled}), makes its Vert.x instance on a thread of its own
 * from here on, beside camel-main's loading of the routes, and binds it as {@value #BEAN}: camel-platform-http-vertx
 * takes a {@code Vertx} from the registry before it makes one. camel-main starts the server before the routes, and
 * Vert.x is most of that start (its and Netty's 800 classes). The instance is closed when the context stops.
 */
@Configuration
public class ManagementVertxConfiguration implements CamelConfiguration {

    static final String BEAN = "alvariaManagementVertx";
    private static final Logger LOG = LoggerFactory.getLogger(ManagementVertxConfiguration.class);
    private static final long CLOSE_TIMEOUT_SECONDS = 10;
    /** Probes and scrapes are a few small requests a second; Vert.x's default is two loops a core. */
    private static final int EVENT_LOOPS = 1;

    @Override
    public void configure(CamelContext context) {
        if (!Boolean.parseBoolean(context.getPropertiesComponent().resolveProperty("camel.management.enabled")
                                          .orElse("false"))) {
            return;
        }
        // the server binds an address and resolves no name: the JDK's resolver, not Netty's DNS client, unless the
        // operator chose
        if (System.getProperty(ResolverProvider.DISABLE_DNS_RESOLVER_PROP_NAME) == null) {
            System.setProperty(ResolverProvider.DISABLE_DNS_RESOLVER_PROP_NAME, "true");
        }
        ExecutorService maker = context.getExecutorServiceManager().newSingleThreadExecutor(this, "ManagementVertx");
        CompletableFuture<Vertx> vertx = CompletableFuture.supplyAsync(
                () -> Vertx.vertx(new VertxOptions().setEventLoopPoolSize(EVENT_LOOPS)), maker);
        context.getExecutorServiceManager().shutdown(maker); // once it has made the instance
        context.getRegistry().bind(BEAN, Vertx.class, vertx::join);
        // once the context has stopped its services, the server among them
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                if (vertx.isCompletedExceptionally()) {
                    return; // nothing to close; the server's start failed with the reason
                }
                try {
                    vertx.join().close().toCompletionStage().toCompletableFuture()
                            .get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    LOG.warn("The management server's Vert.x did not close within {} s: {}", CLOSE_TIMEOUT_SECONDS,
                             e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }
}
