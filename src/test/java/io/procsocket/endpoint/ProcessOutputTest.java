package io.procsocket.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.log.GatewayLevel;
import io.procsocket.log.GatewayLog;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import jakarta.websocket.CloseReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the client sees of a child's stdout, stderr and exit, against a real server and real processes. */
class ProcessOutputTest {
    @TempDir
    static Path dir;
    private static TesterServer server;

    @BeforeAll
    static void start() throws Exception {
        // One script, one behaviour per request path (PATH_INFO), so one server serves every case.
        Path script = TesterScripts.sh(dir, "out.sh", String.join("\n",
                "case \"$PATH_INFO\" in",
                "  /count) i=1; while [ $i -le 10 ]; do echo $i; i=$((i+1)); done ;;",
                "  /exit3) echo bye; exit 3 ;;",
                "  /partial) printf partial; exit 3 ;;",
                "  /utf8) printf 'a\\377b\\n\\342\\202\\254\\n' ;;",
                "  /stderr) echo secret-on-stderr >&2; echo on-stdout; echo more-stderr >&2 ;;",
                "  /crlf) printf 'one\\r\\ntwo\\r\\n\\r\\n' ;;",
                "esac"));
        server = TesterServer.start(script.toString());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void noChildLeft() {
        Bounded.noChildrenLeft(server.gateway());
    }

    private static List<Object> untilClosed(EventSocket ws) throws InterruptedException {
        CloseReason reason = ws.awaitClose();
        assertTrue(reason != null);
        List<Object> got = new ArrayList<>();
        ws.messages().drainTo(got);
        return got;
    }

    @Test
    void countScriptGivesOneToTenThenNormalClosureWithTheStatus() throws Exception {
        EventSocket ws = EventSocket.connect(server.ws("/count"));
        for (int i = 1; i <= 10; i++) {
            assertEquals(Integer.toString(i), ws.nextText());
        }
        CloseReason reason = ws.awaitClose();
        assertEquals(1000, reason.getCloseCode().getCode());
        assertEquals("exit status 0", reason.getReasonPhrase());
        assertTrue(ws.messages().isEmpty(), ws.messages().toString());
    }

    @Test
    void nonZeroExitClosesWith1011NamingTheStatus() throws Exception {
        EventSocket ws = EventSocket.connect(server.ws("/exit3"));
        assertEquals("bye", ws.nextText());
        CloseReason reason = ws.awaitClose();
        assertEquals(1011, reason.getCloseCode().getCode());
        assertTrue(reason.getReasonPhrase().contains("3"), reason.getReasonPhrase());
    }

    @Test
    void lastLineWithoutNewlineIsDeliveredBeforeTheClose() throws Exception {
        EventSocket ws = EventSocket.connect(server.ws("/partial"));
        assertEquals("partial", ws.nextText());
        CloseReason reason = ws.awaitClose();
        assertEquals(1011, reason.getCloseCode().getCode());
        assertEquals("exit status 3", reason.getReasonPhrase());
    }

    @Test
    void invalidUtf8OnStdoutArrivesAsReplacementCharacterNotA1007() throws Exception {
        EventSocket ws = EventSocket.connect(server.ws("/utf8"));
        assertEquals("a\uFFFDb", ws.nextText());
        assertEquals("€", ws.nextText());
        assertEquals(1000, ws.awaitClose().getCloseCode().getCode());
    }

    @Test
    void crlfLineEndingsAndEmptyLinesSurviveTheWire() throws Exception {
        EventSocket ws = EventSocket.connect(server.ws("/crlf"));
        assertEquals(List.of("one", "two", ""), untilClosed(ws));
    }

    @Test
    void stderrGoesToTheLogAtErrorNeverToTheClient() throws Exception {
        try (TesterLog log = TesterLog.capture()) {
            EventSocket ws = EventSocket.connect(server.ws("/stderr"));
            List<Object> got = untilClosed(ws);
            assertEquals(List.of("on-stdout"), got);
            String line = log.await(l -> l.contains("secret-on-stderr"), EventSocket.WAIT);
            assertTrue(line.matches(".* \\| ERROR  \\| stderr     \\| url:'http://127\\.0\\.0\\.1:\\d+/stderr' .*"
                    + "\\| secret-on-stderr"), line);
            log.await(l -> l.endsWith("| more-stderr") && l.contains("| ERROR  | stderr "), EventSocket.WAIT);
        }
    }

    @Test
    void everyConnectionIsLoggedWithItsUrlAtTheDefaultLevel() throws Exception {
        try (TesterLog log = TesterLog.capture()) {
            GatewayLog.logger().setLevel(GatewayLevel.ACCESS);
            EventSocket ws = EventSocket.connect(server.ws("/count?who=me"));
            untilClosed(ws);
            String url = "url:'http://127.0.0.1:" + server.port() + "/count?who=me'";
            // Matched on the URL too: a late line of an earlier test's connection must not count.
            String connect = log.await(l -> l.endsWith("| CONNECT") && l.contains(url), EventSocket.WAIT);
            assertTrue(connect.contains(" | ACCESS | session    | " + url + " id:'"), connect);
            assertTrue(connect.contains(" remote:'127.0.0.1' command:'" + dir.resolve("out.sh") + "' origin:'"), connect);
            String disconnect = log.await(l -> l.endsWith("| DISCONNECT") && l.contains(url), EventSocket.WAIT);
            assertTrue(disconnect.contains(" | ACCESS | session    | "), disconnect);
        }
    }

    @Test
    void launchFailureClosesWith1011() throws Exception {
        Path gone = TesterScripts.sh(dir, "gone.sh", "echo never");
        try (TesterServer s = TesterServer.start(gone.toString())) {
            // Valid when the server started, gone by the time a client comes.
            Files.delete(gone);
            EventSocket ws = EventSocket.connect(s.ws("/"));
            CloseReason reason = ws.awaitClose();
            assertEquals(1011, reason.getCloseCode().getCode(), reason.toString());
            assertFalse(ws.messages().contains("never"));
            Bounded.noChildrenLeft(s.gateway());
        }
    }
}
