package io.procsocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.Htpasswd;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The dev console with each identity scheme in real Chromium: a token typed into its token field travels as the
 * subprotocol entry {@code bearer.<token>} (plain mode with procsocket.lines, procsocket.v1 mode through the client
 * library), and with --basicauth the browser's own Basic credentials, given once for the page, go with the page's
 * upgrade by themselves.
 */
class DevConsoleAuthTest extends WithDevConsole {
    /** Base64url with dots, as a JWT is: every character may be in a subprotocol entry. */
    private static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.s3cret-for_alice.Zm9v";

    @Test
    void withoutATokenTheUpgradeIsRefusedAndTheConsoleSaysItNeverOpened() throws Exception {
        try (TesterServer server = bearerServer()) {
            console.open(server.http("/who"));
            console.connect();
            assertNeverOpened(console.awaitEntry("close"));

            console.protocol(true);
            console.connect();
            assertNeverOpened(console.awaitEntries("close", 2).get(1));
            assertTrue(console.entries("start").isEmpty(), "no program started");
        }
    }

    @Test
    void aWrongTokenIsRefusedLikeNone() throws Exception {
        try (TesterServer server = bearerServer()) {
            console.open(server.http("/who"));
            console.token("not-the-token");
            console.connect();
            assertNeverOpened(console.awaitEntry("close"));
            assertTrue(console.receivedTexts().isEmpty());
        }
    }

    @Test
    void theTokenFieldAdmitsInPlainModeAsProcsocketLines() throws Exception {
        try (TesterServer server = bearerServer()) {
            console.open(server.http("/who"));
            console.token(TOKEN);
            console.connect();
            assertEquals(List.of("alice|Bearer"), console.awaitReceivedTexts(1));
            WebElement close = console.awaitEntry("close");
            assertEquals("1000", close.getDomAttribute("data-code"));
            assertEquals("true", close.getDomAttribute("data-opened"));
            // The browser accepted the handshake because the server chose procsocket.lines; bearer.<token> is never echoed.
            assertEquals("connected, protocol procsocket.lines", DevConsole.body(console.awaitEntry("open")));
            assertTokenNowhereOnThePage(server);
        }
    }

    @Test
    void theTokenFieldAdmitsInProcsocketV1Mode() throws Exception {
        try (TesterServer server = bearerServer()) {
            console.open(server.http("/who"));
            console.token(TOKEN);
            console.protocol(true);
            console.connect();
            WebElement exit = console.awaitEntry("exit");
            assertEquals("0", exit.getDomAttribute("data-code"));
            assertEquals(List.of("alice|Bearer"), console.output("stdout"));
            assertTrue(console.entries("open").stream().map(DevConsole::body)
                    .allMatch(b -> b.equals("connected, protocol procsocket.v1")), console.logText());
            assertTrue(console.entries("error").isEmpty(), console.logText());
            assertTokenNowhereOnThePage(server);
        }
    }

    /** A space (or any other character outside RFC 7230's token set) cannot be in a subprotocol entry. */
    @Test
    void aTokenNoSubprotocolCanCarryIsRefusedInThePageWithTheReason() throws Exception {
        try (TesterServer server = bearerServer()) {
            console.open(server.http("/who"));
            console.token("two words");
            for (boolean v1 : new boolean[] {false, true}) {
                console.protocol(v1);
                console.connect();
            }
            List<WebElement> errors = console.awaitEntries("error", 2);
            for (WebElement e : errors) {
                assertEquals("true", e.getDomAttribute("data-token-refused"), DevConsole.body(e));
                assertTrue(DevConsole.body(e).contains("cannot be carried as a subprotocol entry"), DevConsole.body(e));
            }
            assertTrue(console.entries("connecting").isEmpty(), "nothing was attempted");
            assertFalse(console.logText().contains("two words"), console.logText());
            assertEquals("CLOSED", console.state());
        }
    }

    /**
     * The library refuses such a token itself, without quoting it (the WebSocket constructor's own SyntaxError
     * would), and offers the token after procsocket.v1 otherwise.
     */
    @Test
    void theClientLibrarysBearerOptionChecksTheTokenWithoutQuotingIt() throws Exception {
        try (TesterServer server = bearerServer()) {
            console.open(server.http("/who"));
            Object refused = chromium.driver().executeAsyncScript("var done = arguments[arguments.length - 1];"
                    + "import('/.procsocket/procsocket.js').then(function (m) {"
                    + " try { m.connect('ws://' + location.host + '/who', { bearer: 'a b;c' }); done('connected'); }"
                    + " catch (e) { done(e.name + ': ' + e.message); } }, function (e) { done('failed: ' + e); });");
            assertTrue(String.valueOf(refused).startsWith("TypeError: procsocket: this bearer token cannot be carried"),
                    String.valueOf(refused));
            assertFalse(String.valueOf(refused).contains("a b;c"), String.valueOf(refused));
        }
    }

    @Test
    void basicAuthThePageIs401UntilTheBrowserHasCredentialsThenTheUpgradeCarriesThem() throws Exception {
        Path users = dir.resolve("htpasswd");
        Htpasswd.run("-B", "-b", "-c", users.toString(), "carol", "pa55 word");
        try (TesterLog log = TesterLog.capture();
             TesterServer server = TesterServer.start("--devconsole", "--basicauth=" + users, whoScript().toString())) {
            // What makes a browser prompt: 401 with a Basic challenge, for the page itself.
            HttpResponse<String> bare = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(server.http("/who")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, bare.statusCode(), bare.body());
            assertTrue(bare.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="),
                    bare.headers().map().toString());
            log.await(l -> l.endsWith("| AUTH REFUSED (401): no credentials"), Duration.ofSeconds(10));
            // Chromium gets the same 401 and, rather than the console, shows a blank page behind its login prompt
            // (which headless does not draw), waiting for a user and password.
            chromium.driver().get(server.http("/who").toString());
            log.await(l -> l.endsWith("| AUTH REFUSED (401): no credentials"), Duration.ofSeconds(10));
            assertTrue(chromium.driver().findElements(By.id("connect")).isEmpty(), chromium.driver().getPageSource());
            assertEquals("", DevConsole.text(chromium.driver().findElement(By.tagName("body"))),
                    chromium.driver().getPageSource());

            // The credentials as a user types them into the prompt (in the URL, since headless has no prompt): the
            // page loads, and its URL field holds no credentials.
            console.open(URI.create("http://carol:pa55%20word@127.0.0.1:" + server.port() + "/who"));
            assertEquals("ws://127.0.0.1:" + server.port() + "/who", console.url());
            log.await(l -> l.endsWith("| DEVCONSOLE"), Duration.ofSeconds(10));
            console.connect();
            assertEquals(List.of("carol|Basic"), console.awaitReceivedTexts(1),
                    () -> console.logText() + "\n" + String.join("\n", log.lines()));

            console.protocol(true);
            console.connect();
            console.awaitEntry("exit");
            assertEquals(List.of("carol|Basic"), console.output("stdout"), console.logText());
            // Chromium sent the credentials it had for the page with both upgrades at once, from its auth cache:
            // nothing was challenged after the page (the client library is not behind --basicauth at all).
            List<String> after = log.lines();
            assertEquals(List.of(), after.stream().filter(l -> l.contains("AUTH REFUSED")).toList(), String.join("\n", after));
            assertEquals(2, after.stream().filter(l -> l.endsWith("| CONNECT")).count(), String.join("\n", after));
        }
    }

    private static void assertNeverOpened(WebElement close) {
        assertEquals("1006", close.getDomAttribute("data-code"), DevConsole.text(close));
        assertEquals("false", close.getDomAttribute("data-opened"), DevConsole.text(close));
        assertTrue(DevConsole.text(close).contains("never opened"), DevConsole.text(close));
    }

    /** The token is in the password field only: not in the log, the page's text or its URL. */
    private void assertTokenNowhereOnThePage(TesterServer server) {
        assertFalse(console.logText().contains(TOKEN), console.logText());
        assertFalse(String.valueOf(console.script("return document.body.innerText")).contains(TOKEN));
        assertEquals(server.http("/who").toString(), chromium.driver().getCurrentUrl());
        assertEquals("password", chromium.driver().findElement(By.id("token")).getDomAttribute("type"));
    }

    private TesterServer bearerServer() throws Exception {
        // As the help says: printf %s TOKEN | sha256sum, then the name REMOTE_USER is to be.
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
        Path tokens = Files.writeString(dir.resolve("tokens"), digest + " alice\n");
        return TesterServer.start("--devconsole", "--bearer=" + tokens, whoScript().toString());
    }

    private Path whoScript() throws IOException {
        return TesterScripts.sh(dir, "who.sh", "echo \"$REMOTE_USER|$AUTH_TYPE\"");
    }
}
