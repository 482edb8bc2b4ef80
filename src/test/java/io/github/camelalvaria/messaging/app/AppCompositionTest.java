package io.github.camelalvaria.messaging.app;

import java.io.Reader;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.Configuration;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PackageScanClassResolver;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app does not scan its package at start (that loads every class in it); application.properties names its Java
 * configuration and routes instead. A class added to the package and not named there would never run.
 */
class AppCompositionTest {

    @Test
    void applicationPropertiesNamesEveryConfigurationAndRouteBuilderOfTheAppPackage() throws Exception {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("application.properties"))) {
            properties.load(reader);
        }
        Set<String> named = new HashSet<>();
        for (String key : new String[] { "camel.main.configuration-classes", "camel.main.routes-builder-classes" }) {
            Arrays.stream(properties.getProperty(key, "").split(",")).map(String::trim).forEach(named::add);
        }
        Set<Class<?>> found = new HashSet<>();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            PackageScanClassResolver resolver = PluginHelper.getPackageScanClassResolver(context);
            String appPackage = AlvariaMessagingApplication.class.getPackageName();
            found.addAll(resolver.findAnnotated(Configuration.class, appPackage));
            found.addAll(resolver.findImplementations(RoutesBuilder.class, appPackage));
        }
        Set<String> expected = found.stream().filter(type -> !Modifier.isAbstract(type.getModifiers()))
                .map(Class::getName).collect(Collectors.toSet());

        assertThat(expected).hasSize(6);
        assertThat(named).containsExactlyInAnyOrderElementsOf(expected);
    }
}
