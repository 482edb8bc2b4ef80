package io.github.camelalvaria.messaging.springboot;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.camelalvaria.messaging.AlvariaMessagingComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.camel.util.StringHelper;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * Spring Boot: {@code camel.component.alvaria-messaging.*} (kebab case, or any form Spring's relaxed binding takes)
 * configures the component, as a Camel starter's {@code *ComponentAutoConfiguration} does. Listed in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}, so Spring Boot alone reads
 * it, and only when camel-spring-boot is on the class path. The options' IDE metadata
 * ({@code META-INF/spring-configuration-metadata.json}) is generated from the component's catalog at build time.
 * An option the component does not have fails the component's creation, naming the option.
 */
@AutoConfiguration(afterName = "org.apache.camel.spring.boot.CamelAutoConfiguration")
@ConditionalOnClass(name = "org.apache.camel.spring.boot.CamelAutoConfiguration")
@ConditionalOnProperty(prefix = AlvariaMessagingComponentAutoConfiguration.PREFIX, name = "enabled",
                       havingValue = "true", matchIfMissing = true)
public class AlvariaMessagingComponentAutoConfiguration {

    static final String PREFIX = "camel.component.alvaria-messaging";
    /** Spring Boot switches of Camel's starters, not component options. */
    private static final String ENABLED = "enabled";
    private static final String CUSTOMIZER_ENABLED = "customizer.enabled";

    @Lazy
    @Bean
    public ComponentCustomizer alvariaMessagingComponentCustomizer(CamelContext camelContext, Environment environment) {
        return new ComponentCustomizer() {
            @Override
            public void configure(String name, org.apache.camel.Component target) {
                Map<String, Object> options = new LinkedHashMap<>();
                Binder.get(environment).bind(PREFIX, Bindable.mapOf(String.class, String.class))
                        .orElseGet(Map::of).forEach((key, value) -> {
                            if (!ENABLED.equals(key) && !CUSTOMIZER_ENABLED.equals(key)) {
                                options.put(StringHelper.dashToCamelCase(key), value);
                            }
                        });
                PropertyBindingSupport.build().withCamelContext(camelContext).withTarget(target)
                        .withConfigurer(target.getComponentPropertyConfigurer()).withProperties(options)
                        .withIgnoreCase(true).withMandatory(true).withRemoveParameters(false).bind();
            }

            @Override
            public boolean isEnabled(String name, org.apache.camel.Component target) {
                boolean all = environment.getProperty("camel.component." + CUSTOMIZER_ENABLED, Boolean.class, true);
                return target instanceof AlvariaMessagingComponent
                       && environment.getProperty(PREFIX + "." + CUSTOMIZER_ENABLED, Boolean.class, all);
            }
        };
    }
}
