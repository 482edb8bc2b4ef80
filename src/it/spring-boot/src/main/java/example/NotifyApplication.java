package example;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
public class NotifyApplication {

    public static void main(String[] args) {
        SpringApplication.run(NotifyApplication.class, args);
    }

    @Bean
    RouteBuilder notifyCustomer() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:notify-customer").routeId("notify-customer")
                        .log("sending '${body}'")
                        .to("alvaria-messaging:sendText?interactionId=4321");
            }
        };
    }
}
