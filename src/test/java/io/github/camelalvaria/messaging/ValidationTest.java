package io.github.camelalvaria.messaging;

import java.util.stream.Stream;

import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Transport options and operations that refuse an endpoint, naming the option; the bad input of the API's own fields
 * (and of the bridges) is in {@link BadInputCatalogueTest}.
 */
class ValidationTest extends AlvariaTestSupport {

    static Stream<Arguments> badEndpoints() {
        return Stream.of(
                arguments("alvaria-messaging:sendText?retryableStatusCodes=429,five", "retryableStatusCodes"),
                arguments("alvaria-messaging:sendText?requestTimeout=0", "requestTimeout"),
                arguments("alvaria-messaging:sendText?proxyPort=3128", "proxyHost"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEndpoints")
    void anEndpointWithBadOptionsRefusesToStartNamingTheOption(String uri, String option) {
        assertThatThrownBy(() -> context.getEndpoint(uri))
                .rootCause().isInstanceOf(AlvariaValidationException.class).hasMessageContaining(option)
                .satisfies(e -> assertThat(((AlvariaValidationException) e).getField()).isEqualTo(option));
    }

    @Test
    void aRouteWithAnUnknownOperationIsRefused() {
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:bad").to("alvaria-messaging:sendFax");
            }
        })).isInstanceOf(FailedToCreateRouteException.class).rootCause().hasMessageContaining("Unknown operation 'sendFax'")
                .hasMessageContaining("sendText, sendUrl, notification");
    }
}
