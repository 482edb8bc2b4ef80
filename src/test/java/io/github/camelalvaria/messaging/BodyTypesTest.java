package io.github.camelalvaria.messaging;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.TypeConversionException;
import org.apache.camel.support.TypeConverterSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What a body becomes: text as UTF-8 whatever it arrives as, a user's type only through the user's converter. */
class BodyTypesTest extends AlvariaTestSupport {

    private static final String TEXT = "alvaria-messaging:sendText?interactionId=4321";
    private static final String URL = "alvaria-messaging:sendUrl?interactionId=4321";

    record Order(String id, int qty) {
    }

    record Invoice(String number) {
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "String", "StringBuilder", "byte[]", "InputStream" })
    void textInAnyOfItsFormsIsSentAsUtf8(String form) {
        String text = "Bonjour, votre café est prêt ☕";
        Object body = switch (form) {
            case "String" -> text;
            case "StringBuilder" -> new StringBuilder(text);
            case "byte[]" -> text.getBytes(StandardCharsets.UTF_8);
            default -> new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        };

        Exchange exchange = send(TEXT, body);

        assertThat(exchange.getException()).isNull();
        assertThat(alvaria.apiRequests()).singleElement()
                .satisfies(request -> assertThat(request.getBody().utf8()).contains("\"text\":\"" + text + "\""));
    }

    @Test
    void aRecordBodyIsRefusedNamingItsTypeAndNothingIsSent() {
        Exception failure = send(TEXT, new Order("o-1", 2)).getException();

        assertThat(failure).isInstanceOf(AlvariaValidationException.class)
                .hasMessageContaining("text").hasMessageContaining(Order.class.getName())
                .hasMessageNotContaining("o-1");
        assertThat(alvaria.apiRequests()).isEmpty();
    }

    @Test
    void aBodyWithATypeConverterToStringIsSentAsItsConversion() {
        context.getTypeConverterRegistry().addTypeConverter(String.class, Order.class, new TypeConverterSupport() {
            @Override
            public <T> T convertTo(Class<T> type, Exchange exchange, Object value) throws TypeConversionException {
                Order order = (Order) value;
                return type.cast("Order " + order.id() + ": " + order.qty() + " items shipped");
            }
        });

        Exchange exchange = send(TEXT, new Order("o-1", 2));
        Exception other = send(TEXT, new Invoice("i-9")).getException();

        assertThat(exchange.getException()).isNull();
        assertThat(alvaria.apiRequests()).singleElement().satisfies(request -> assertThat(request.getBody().utf8())
                .contains("\"text\":\"Order o-1: 2 items shipped\""));
        assertThat(other).isInstanceOf(AlvariaValidationException.class).hasMessageContaining(Invoice.class.getName());
    }

    @Test
    void sendUrlTakesAUriOrTextAndRefusesOtherTypes() {
        send(URL, URI.create("https://shop.example/orders/1"));
        send(URL, "https://shop.example/orders/2".getBytes(StandardCharsets.UTF_8));
        Exception refused = send(URL, List.of("https://shop.example/orders/3")).getException();

        assertThat(alvaria.apiRequests()).extracting(request -> request.getBody().utf8())
                .satisfiesExactly(first -> assertThat(first).contains("\"url\":\"https://shop.example/orders/1\""),
                                  second -> assertThat(second).contains("\"url\":\"https://shop.example/orders/2\""));
        assertThat(refused).isInstanceOf(AlvariaValidationException.class).hasMessageContaining("url")
                .hasMessageContaining("List");
    }

    @Test
    void aMapBodyIsStillReadFieldByField() {
        Exchange exchange = send(TEXT, Map.of("text", "from a map"));

        assertThat(exchange.getException()).isNull();
        assertThat(alvaria.apiRequests()).singleElement()
                .satisfies(request -> assertThat(request.getBody().utf8()).contains("\"text\":\"from a map\""));
    }
}
