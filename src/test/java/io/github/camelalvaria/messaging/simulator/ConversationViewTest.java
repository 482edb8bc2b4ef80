package io.github.camelalvaria.messaging.simulator;

import io.github.camelalvaria.messaging.AlvariaMessagingConfiguration;
import io.github.camelalvaria.messaging.AlvariaMessagingConstants;
import io.github.camelalvaria.messaging.SimulatorTenant;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conversation view in a real browser: Debian's Chromium, headless, driven through chromium-driver, the page
 * served by a simulator that a Camel route sends to. The driver and the browser are named explicitly, so Selenium
 * Manager never looks for (or downloads) either.
 */
class ConversationViewTest extends CamelTestSupport {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOT = Path.of("target", "screenshots", "conversation-view.png");
    private static final Duration UPDATE = Duration.ofSeconds(5);

    private final AlvariaSimulator simulator = AlvariaSimulator.start(SimulatorSettings.DEMO);
    private ChromeDriverService driverService;
    private ChromeDriver browser;

    @TempDir
    Path browserProfile;

    @BeforeAll
    static void requireChromium() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the conversation view's browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                        + "; install them with: apt-get install -y chromium chromium-driver");
    }

    @AfterEach
    void stopBrowserAndSimulator() {
        if (browser != null) {
            browser.quit();
        }
        if (driverService != null) {
            driverService.stop();
        }
        simulator.close();
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        AlvariaMessagingConfiguration defaults = SimulatorTenant.configure(context, simulator);
        defaults.setSessionId("view-test");
        defaults.setEntityName("Jane Agent");
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the refusal the test provokes is expected: no stack trace for it
                errorHandler(noErrorHandler());
                from("direct:chat").routeId("chat").to("alvaria-messaging:sendText?interactionId=4321");
            }
        };
    }

    @Test
    void showsTheConversationLiveWithLinksCustomerMessagesRefusalsAndTyping() throws IOException {
        openBrowser();
        browser.get(simulator.baseUrl() + "/#4321");
        await().atMost(UPDATE).untilAsserted(() -> assertThat(browser.findElements(By.cssSelector("#interactions a")))
                .extracting(WebElement::getText).anySatisfy(item -> assertThat(item).contains("4321"))
                .anySatisfy(item -> assertThat(item).contains("4322")));

        // sent after the page loaded: it has to update itself
        assertThat(send("Hello! Your order has shipped.").getException()).isNull();
        simulator.injectCustomerMessage("4321", "Great, where can I track it?");
        assertThat(send("https://tracking.example.com/1234", AlvariaMessagingConstants.OPERATION, "sendUrl")
                .getException()).isNull();
        assertThat(send("<b>not bold</b> javascript:alert(1) and https://example.com/help?x=1.").getException())
                .isNull();
        simulator.setFaults(Faults.NONE.withUnavailable(1, 3));
        assertThat(send("Anything else I can help with?").getException()).isNotNull();
        simulator.setFaults(Faults.NONE);

        List<WebElement> entries = await().atMost(UPDATE).until(
                () -> browser.findElements(By.cssSelector("#messages li.entry")), found -> found.size() == 5);
        assertThat(entries).extracting(entry -> entry.getAttribute("class")).containsExactly(
                "entry agent", "entry customer", "entry agent", "entry agent", "entry agent failed");
        assertThat(bubbleOf(entries.get(0)).getText()).isEqualTo("Hello! Your order has shipped.");
        assertThat(bubbleOf(entries.get(1)).getText()).isEqualTo("Great, where can I track it?");
        assertThat(bubbleOf(entries.get(1)).getRect().getX())
                .as("the customer's bubble on the other side").isLessThan(bubbleOf(entries.get(0)).getRect().getX());

        WebElement link = bubbleOf(entries.get(2)).findElement(By.tagName("a"));
        assertThat(link.getText()).isEqualTo("https://tracking.example.com/1234");
        assertThat(link.getAttribute("href")).isEqualTo("https://tracking.example.com/1234");

        // untrusted text stays text: no markup, no javascript: link, only the web address is linked
        WebElement mixed = bubbleOf(entries.get(3));
        assertThat(mixed.getText()).isEqualTo("<b>not bold</b> javascript:alert(1) and https://example.com/help?x=1.");
        assertThat(mixed.findElements(By.tagName("b"))).isEmpty();
        assertThat(mixed.findElements(By.tagName("a"))).extracting(a -> a.getAttribute("href"))
                .containsExactly("https://example.com/help?x=1");

        WebElement refused = entries.get(4);
        assertThat(refused.getAttribute("data-status")).isEqualTo("503");
        assertThat(bubbleOf(refused).getText()).isEqualTo("Anything else I can help with?");
        assertThat(refused.findElement(By.className("failure")).getText())
                .isEqualTo("refused 503: service unavailable");
        assertThat(refused.findElement(By.className("meta")).getText()).startsWith("Jane Agent · ");

        WebElement typing = browser.findElement(By.id("typing"));
        assertThat(typing.isDisplayed()).isFalse();
        assertThat(send(null, AlvariaMessagingConstants.OPERATION, "notification",
                AlvariaMessagingConstants.EXPIRES_AFTER_SECONDS, 2).getException()).isNull();
        Instant expiry = simulator.accepted("4321").get(simulator.accepted("4321").size() - 1).receivedAt()
                .plusSeconds(2);
        await().atMost(UPDATE).until(typing::isDisplayed);
        assertThat(browser.findElement(By.id("typing-who")).getText()).isEqualTo("Jane Agent is typing");
        assertThat(browser.findElements(By.cssSelector("#messages li.entry"))).as("a notification is no bubble")
                .hasSize(5);
        saveScreenshot();
        await().atMost(UPDATE).until(() -> !typing.isDisplayed());
        assertThat(Instant.now()).as("the indicator lasts its expiresAfterSeconds").isAfterOrEqualTo(expiry);
    }

    private void openBrowser() {
        driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // without the background-networking flags Chromium tries the network, which a closed machine refuses
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1000,720", "--user-data-dir=" + browserProfile);
        browser = new ChromeDriver(driverService, options);
    }

    private Exchange send(String body, Object... headerPairs) {
        return template.send("direct:chat", exchange -> {
            exchange.getMessage().setBody(body);
            for (int i = 0; i < headerPairs.length; i += 2) {
                exchange.getMessage().setHeader((String) headerPairs[i], headerPairs[i + 1]);
            }
        });
    }

    private static WebElement bubbleOf(WebElement entry) {
        return entry.findElement(By.className("bubble"));
    }

    private void saveScreenshot() throws IOException {
        Files.createDirectories(SCREENSHOT.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    }
}
