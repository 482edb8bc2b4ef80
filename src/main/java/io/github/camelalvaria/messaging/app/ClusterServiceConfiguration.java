package io.github.camelalvaria.messaging.app;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.util.ObjectHelper;

/**
 * Adds to the context the cluster service bound in {@code application.properties} ({@code camel.beans.…}: camel-file's
 * {@code FileLockClusterService} as shipped, or the Kubernetes, ZooKeeper or Consul one), through which {@code master:}
 * elects the instance that runs the events consumer. camel-main adds such beans to the context itself only after it
 * has configured the components, and the master component looks for its service while it is configured.
 */
@Configuration
public class ClusterServiceConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        for (CamelClusterService service : context.getRegistry().findByType(CamelClusterService.class)) {
            if (!context.hasService(service)) {
                context.addService(service);
            }
        }
        if (ObjectHelper.isEmpty(context.hasServices(CamelClusterService.class))) {
            throw new IllegalStateException("No cluster service is bound: the events route (master:"
                                            + context.resolvePropertyPlaceholders("{{alvaria.cluster.namespace}}")
                                            + ") needs one; application.properties binds alvariaClusterService");
        }
    }
}
