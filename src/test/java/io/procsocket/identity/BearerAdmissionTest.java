package io.procsocket.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.parity.RawHttp;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --bearer end to end: the token in each place a client can carry it, refused in the query string, 401 with a
 * challenge before any program starts, the name the program sees, and the slow-down after repeated failures.
 */
class BearerAdmissionTest {
    private static final String TOKEN = "s3cret-token-for-alice";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static TesterServer server;
    private static Path started;

    @BeforeAll
    static void start() throws Exception {
        // What sha256sum writes: "HEX  NAME".
        String hex = HexFormat.of().formatHex(BearerAuthenticator.sha256(TOKEN));
        Path tokens = Files.writeString(dir.resolve("tokens"), "# alice's token\n" + hex + "  alice\n");
        started = dir.resolve("started");
        Path who = TesterScripts.sh(dir, "who.sh", "echo x >> " + started + "; echo \"$REMOTE_USER|$AUTH_TYPE\"");
        Path cgi = Files.createDirectories(dir.resolve("cgi"));
        TesterScripts.sh(cgi, "who.cgi", "printf 'Content-Type: text/plain\\n\\n%s|%s' \"$REMOTE_USER\" \"$AUTH_TYPE\"");
        server = TesterServer.start("--bearer=" + tokens, "--bearer-cookie=session", "--cgidir=" + cgi, who.toString());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void noProgramYet() throws Exception {
        Files.deleteIfExists(started);
    }

    private static String firstLine(String extraHeaders) throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(server.port(), "/", WAIT, 0, extraHeaders)) {
            assertFalse(ws.responseHead().toLowerCase().contains("bearer."), "the token is never echoed: " + ws.responseHead());
            return ws.readFrame().text();
        }
    }

    @Test
    void tokenInTheAuthorizationHeaderAdmitsAndNamesTheUser() throws Exception {
        assertEquals("alice|Bearer", firstLine("Authorization: Bearer " + TOKEN + "\r\n"));
    }

    @Test
    void tokenInABearerSubprotocolEntryAdmitsAndIsNotEchoed() throws Exception {
        // What a browser can do: new WebSocket(url, ["procsocket.v1", "bearer." + token]).
        assertEquals("alice|Bearer", firstLine("Sec-WebSocket-Protocol: bearer." + TOKEN + "\r\n"));
    }

    @Test
    void tokenInTheNamedCookieAdmits() throws Exception {
        assertEquals("alice|Bearer", firstLine("Cookie: theme=dark; session=" + TOKEN + "\r\n"));
    }

    @Test
    void noTokenIs401WithABearerChallengeAndNoProgram() throws Exception {
        RawHttp.Reply reply = RawHttp.upgrade(server.port(), "/", "");
        assertEquals(401, reply.status());
        assertTrue(reply.header("WWW-Authenticate").startsWith("Bearer realm="), reply.headers().toString());
        assertFalse(Files.exists(started), "no program for a stranger");
    }

    @Test
    void tokenInTheQueryStringIsNeverReadBecauseQueriesEndUpInLogs() throws Exception {
        assertEquals(401, RawHttp.upgrade(server.port(), "/?access_token=" + TOKEN, "").status());
        assertEquals(401, RawHttp.upgrade(server.port(), "/?bearer=" + TOKEN + "&token=" + TOKEN, "").status());
        assertFalse(Files.exists(started));
    }

    @Test
    void cgiScriptsAreGatedTooAndSeeTheUser() throws Exception {
        assertEquals(401, RawHttp.get(server.port(), "/who.cgi").status());
        RawHttp.Reply ok = RawHttp.exchange(server.port(), "GET /who.cgi HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + TOKEN + "\r\nConnection: close\r\n\r\n");
        assertEquals(200, ok.status());
        assertEquals("alice|Bearer", ok.body());
    }

    @Test
    void wrongTokensAreLoggedAndRepeatedOnesFromOneAddressAreSlowedDown() throws Exception {
        // Its own server: the throttle remembers this test's address, which the other tests share.
        Path tokens = Files.writeString(dir.resolve("tokens2"),
                HexFormat.of().formatHex(BearerAuthenticator.sha256(TOKEN)) + "\n");
        try (TesterLog log = TesterLog.capture();
             TesterServer guarded = TesterServer.start("--bearer=" + tokens, "cat")) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Reply wrong = RawHttp.upgrade(guarded.port(), "/", "Authorization: Bearer guess-" + i + "\r\n");
                assertEquals(401, wrong.status(), "attempt " + i);
            }
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("AUTH REFUSED (401): unknown bearer token")),
                    String.join("\n", log.lines()));
            assertFalse(String.join("\n", log.lines()).contains("guess-"), "a presented token is never logged");
            RawHttp.Reply slowed = RawHttp.upgrade(guarded.port(), "/", "Authorization: Bearer guess-3\r\n");
            assertEquals(401, slowed.status(), "the fourth is still checked");
            // From the fifth on the address waits, whatever it sends, even the right token.
            RawHttp.Reply blocked = RawHttp.upgrade(guarded.port(), "/", "Authorization: Bearer " + TOKEN + "\r\n");
            assertEquals(429, blocked.status());
            assertTrue(Long.parseLong(blocked.header("Retry-After")) >= 1);
            assertNull(blocked.header("WWW-Authenticate"));
        }
    }

    @Test
    void strangersHoldNoForkSlotSoTheyCannotCrowdOutTheRealUser() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens3"),
                HexFormat.of().formatHex(BearerAuthenticator.sha256(TOKEN)) + "  alice\n");
        Path who = TesterScripts.sh(dir, "who3.sh", "echo \"$REMOTE_USER\"");
        try (TesterServer one = TesterServer.start("--maxforks=1", "--bearer=" + tokens, who.toString())) {
            for (int i = 0; i < 50; i++) {
                assertEquals(401, RawHttp.upgrade(one.port(), "/", "").status(), "stranger " + i);
            }
            try (RawWebSocket ws = RawWebSocket.open(one.port(), "/", WAIT, 0, "Authorization: Bearer " + TOKEN + "\r\n")) {
                assertEquals("alice", ws.readFrame().text());
            }
        }
    }

    @Test
    void aMalformedTokenFileStopsTheStartWithOneLine() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad-tokens"), "not-a-digest\n", StandardCharsets.UTF_8);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TesterServer.start("--bearer=" + bad, "cat").close());
        assertTrue(e.getMessage().contains("line 1") && !e.getMessage().contains("\n"), e.getMessage());
    }
}
