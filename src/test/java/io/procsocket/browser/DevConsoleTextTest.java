package io.procsocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/** The dev console in real Chromium against the real standalone server, text mode. */
class DevConsoleTextTest extends WithDevConsole {
    @Test
    void countScriptShowsTenLinesThenCloseCode1000AndReadyStateClosed() throws Exception {
        // count.sh without the sleeps, and waiting for a first line so the OPEN state is observable.
        Path count = TesterScripts.sh(dir, "count.sh",
                "read start\ni=1\nwhile [ $i -le 10 ]; do echo $i; i=$((i+1)); done");
        try (TesterServer server = TesterServer.start("--devconsole", count.toString())) {
            console.open(server.http("/count"));
            assertEquals("ws://127.0.0.1:" + server.port() + "/count", console.url());
            console.recordStates();
            console.connect();
            console.awaitState("OPEN");
            console.sendText("go");

            WebElement close = console.awaitEntry("close");
            console.awaitState("CLOSED");
            assertEquals(IntStream.rangeClosed(1, 10).mapToObj(String::valueOf).toList(), console.receivedTexts());
            assertEquals("1000", close.getDomAttribute("data-code"));
            assertEquals("exit status 0", close.getDomAttribute("data-reason"));
            assertEquals("true", close.getDomAttribute("data-was-clean"));
            assertTrue(DevConsole.text(close).contains("code 1000"), DevConsole.text(close));
            assertEquals("10", console.script("return document.getElementById('count-in').textContent"));

            List<String> states = console.recordedStates();
            assertEquals(List.of("CLOSED", "CONNECTING", "OPEN"), states.subList(0, 3), states.toString());
            assertEquals("CLOSED", states.get(states.size() - 1), states.toString());
            assertReadyStatesOnlyMoveForward(states);
        }
    }

    @Test
    void catEchoesTextSentWithEnter() throws Exception {
        try (TesterServer server = TesterServer.start("--devconsole", "cat")) {
            console.open(server.http("/echo?x=1"));
            assertEquals("ws://127.0.0.1:" + server.port() + "/echo?x=1", console.url());
            console.connect();
            console.awaitState("OPEN");
            console.sendText("hello");
            console.sendText("grüße ✓ 🚀");
            assertEquals(List.of("hello", "grüße ✓ 🚀"), console.awaitReceivedTexts(2));
            assertEquals(List.of("hello", "grüße ✓ 🚀"),
                    console.entries("sent").stream().map(DevConsole::body).toList());
            // ArrowUp recalls what was sent, newest first.
            console.recall(2);
            assertEquals("hello", console.messageField());
        }
    }

    @Test
    void closeOnDemandWithChosenCodeAndReason() throws Exception {
        try (TesterServer server = TesterServer.start("--devconsole", "cat")) {
            console.open(server.http("/"));
            console.connect();
            console.awaitState("OPEN");

            // A code a page may not send is refused by the browser: logged, connection stays open.
            console.close("1001", "");
            WebElement refused = console.awaitEntry("error");
            assertTrue(DevConsole.text(refused).contains("close(1001) refused"), DevConsole.text(refused));
            assertEquals("OPEN", console.state());

            console.close("4000", "done here");
            WebElement close = console.awaitEntry("close");
            console.awaitState("CLOSED");
            assertEquals("4000", close.getDomAttribute("data-code"));
            assertEquals("true", close.getDomAttribute("data-was-clean"));
            WebElement closing = console.awaitEntry("closing");
            assertEquals("code 4000, reason \"done here\"", DevConsole.body(closing));
        }
    }

    @Test
    void refusedUpgradeLogsTheErrorEventThenClose1006() throws Exception {
        // --maxforks=1 with the one slot taken: the upgrade gets HTTP 429, the browser fires error, then close.
        try (TesterServer server = TesterServer.start("--devconsole", "--maxforks=1", "cat")) {
            EventSocket holder = EventSocket.connect(server.ws("/"));
            holder.send("hold");
            assertEquals("hold", holder.nextText());
            console.open(server.http("/"));
            console.connect();
            WebElement close = console.awaitEntry("close");
            console.awaitState("CLOSED");
            assertEquals(1, console.entries("error").size(), "one error event");
            assertEquals("1006", close.getDomAttribute("data-code"));
            assertEquals("false", close.getDomAttribute("data-was-clean"));
            assertTrue(console.entries("open").isEmpty(), "never opened");
            holder.close();
        }
    }

    @Test
    void markupInAMessageIsShownAsTextNeverRun() throws Exception {
        String img = "<img src=x onerror=window.__xss=1>";
        String script = "<script>window.__xss=2</script>";
        try (TesterServer server = TesterServer.start("--devconsole", "cat")) {
            console.open(server.http("/"));
            console.connect();
            console.awaitState("OPEN");
            console.sendText(img);
            console.sendText(script);
            // The broken image would load (and fail) asynchronously: a last round trip gives it time.
            console.sendText("after");
            assertEquals(List.of(img, script, "after"), console.awaitReceivedTexts(3));
            assertEquals(0L, console.script("return document.querySelectorAll('#log img, #log script').length"));
            assertEquals(1L, console.script("return document.scripts.length"));
            assertEquals(true, console.script("return typeof window.__xss === 'undefined'"));
        }
    }

    @Test
    void contentSecurityPolicyBlocksInjectedInlineHandlers() throws Exception {
        try (TesterServer server = TesterServer.start("--devconsole", "cat")) {
            console.open(server.http("/"));
            // Simulates a future bug that lets markup in: the page's own CSP must still stop it.
            console.script("window.__violations = [];"
                    + "document.addEventListener('securitypolicyviolation', function (e) {"
                    + "  window.__violations.push(e.effectiveDirective); });"
                    + "var d = document.createElement('div');"
                    + "d.innerHTML = '<img src=x onerror=\"window.__xss=1\">';"
                    + "document.body.appendChild(d);");
            chromium.waiting().withMessage("a CSP violation report")
                    .until(d -> ((List<?>) console.script("return window.__violations")).size() > 0);
            assertTrue(((List<?>) console.script("return window.__violations")).contains("img-src"),
                    String.valueOf(console.script("return window.__violations")));
            assertEquals(true, console.script("return typeof window.__xss === 'undefined'"));
        }
    }

    @Test
    void markupInThePathIsNeverRun() throws Exception {
        try (TesterServer server = TesterServer.start("--devconsole", "cat")) {
            String attack = "/\"><script>window.__xss=1</script>?q=\"><img src=x onerror=window.__xss=2>";
            chromiumGet(server.http("") + attack);
            assertEquals(true, console.script("return typeof window.__xss === 'undefined'"));
            assertEquals(1L, console.script("return document.scripts.length"));
            assertEquals(0L, console.script("return document.images.length"));
            // The URL is still pre-filled from location (as the browser encoded it), and it works.
            assertEquals(console.script("return 'ws://' + location.host + location.pathname + location.search"),
                    console.url());
            assertTrue(console.url().startsWith("ws://127.0.0.1:" + server.port() + "/%22%3E%3Cscript%3E"), console.url());
            console.connect();
            console.awaitState("OPEN");
            console.sendText("still works");
            assertEquals(List.of("still works"), console.awaitReceivedTexts(1));
            assertEquals(true, console.script("return typeof window.__xss === 'undefined'"));
        }
    }

    private void chromiumGet(String url) {
        chromium.driver().get(url);
        chromium.waiting().until(d -> "CLOSED".equals(console.state()));
    }

    /** CONNECTING(0) → OPEN(1) → CLOSING(2) → CLOSED(3), skipping allowed, never backwards after the start. */
    private static void assertReadyStatesOnlyMoveForward(List<String> states) {
        List<String> order = List.of("CONNECTING", "OPEN", "CLOSING", "CLOSED");
        List<Integer> ranks = new ArrayList<>();
        for (String s : states.subList(1, states.size())) {
            ranks.add(order.indexOf(s));
        }
        for (int i = 1; i < ranks.size(); i++) {
            assertTrue(ranks.get(i) > ranks.get(i - 1), "readyState went " + states);
        }
    }
}
