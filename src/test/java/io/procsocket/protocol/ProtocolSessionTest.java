package io.procsocket.protocol;

import static io.procsocket.testing.TesterProtocol.next;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.EventSocket;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterProtocol;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import jakarta.websocket.CloseReason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** procsocket.v1 against the real standalone server and real programs: negotiation, every message, every request. */
class ProtocolSessionTest {
    @TempDir
    Path dir;

    @Test
    void clientOfferingV1GetsItEchoedAndStartFirstWithThePid() throws Exception {
        try (TesterServer server = TesterServer.start("cat");
             EventSocket ws = TesterProtocol.connect(server.ws("/"))) {
            assertEquals(TesterProtocol.V1, ws.session().getNegotiatedSubprotocol());
            Map<String, Object> start = next(ws, "start");
            long pid = (Long) start.get("pid");
            assertTrue(ProcessHandle.of(pid).isPresent(), "pid " + pid + " is the running program");
            assertFalse(((String) start.get("id")).isEmpty());
            assertNull(start.get("resume"), "no token without --resume");
            ws.send(TesterProtocol.stdin("hello\n"));
            assertEquals(Map.of("type", "stdout", "seq", 1L, "data", "hello"), next(ws));
        }
    }

    @Test
    void clientOfferingNothingGetsPlainLinesAsBefore() throws Exception {
        try (TesterServer server = TesterServer.start("cat");
             EventSocket ws = EventSocket.connect(server.ws("/"))) {
            assertEquals("", ws.session().getNegotiatedSubprotocol());
            ws.send("hello");
            assertEquals("hello", ws.nextText());
        }
    }

    @Test
    void stdoutAndStderrAreTypedAndNumberedInOrderThenTheExitCodeAndClose1011() throws Exception {
        // Each line waits for the previous one to arrive, so the order across the two pipes is the program's.
        Path script = TesterScripts.sh(dir, "both.sh",
                "echo out1; read a; echo err1 >&2; read b; echo out2; read c; echo err2 >&2; exit 3");
        try (TesterServer server = TesterServer.start(script.toString());
             EventSocket ws = TesterProtocol.connect(server.ws("/"))) {
            next(ws, "start");
            assertEquals(Map.of("type", "stdout", "seq", 1L, "data", "out1"), next(ws));
            ws.send(TesterProtocol.stdin("\n"));
            assertEquals(Map.of("type", "stderr", "seq", 2L, "data", "err1"), next(ws));
            ws.send(TesterProtocol.stdin("\n"));
            assertEquals(Map.of("type", "stdout", "seq", 3L, "data", "out2"), next(ws));
            ws.send(TesterProtocol.stdin("\n"));
            assertEquals(Map.of("type", "stderr", "seq", 4L, "data", "err2"), next(ws));
            assertEquals(Map.of("type", "exit", "code", 3L), next(ws));
            CloseReason close = ws.awaitClose();
            assertEquals(1011, close.getCloseCode().getCode());
            assertEquals("exit status 3", close.getReasonPhrase());
        }
    }

    @Test
    void stdinIsWrittenExactlyWithoutANewlineAdded() throws Exception {
        // od shows every byte the program got, once its stdin is closed.
        try (TesterServer server = TesterServer.start("od", "-An", "-c");
             EventSocket ws = TesterProtocol.connect(server.ws("/"))) {
            next(ws, "start");
            ws.send(TesterProtocol.stdin("ab"));
            ws.send(TesterProtocol.stdin("c"));
            ws.send(TesterProtocol.eof());
            assertEquals("a   b   c", ((String) next(ws, "stdout").get("data")).trim());
            assertEquals(Map.of("type", "exit", "code", 0L), next(ws));
            assertEquals(1000, ws.awaitClose().getCloseCode().getCode());
        }
    }

    @Test
    void eofLetsSortFinishAndReportItsOutputAndExitZero() throws Exception {
        try (TesterServer server = TesterServer.start("sort");
             EventSocket ws = TesterProtocol.connect(server.ws("/"))) {
            next(ws, "start");
            ws.send(TesterProtocol.stdin("pear\napple\n"));
            ws.send(TesterProtocol.stdin("fig\n"));
            ws.send(TesterProtocol.eof());
            assertEquals("apple", next(ws, "stdout").get("data"));
            assertEquals("fig", next(ws, "stdout").get("data"));
            assertEquals("pear", next(ws, "stdout").get("data"));
            assertEquals(Map.of("type", "exit", "code", 0L), next(ws));
            CloseReason close = ws.awaitClose();
            assertEquals(1000, close.getCloseCode().getCode());
            assertEquals("exit status 0", close.getReasonPhrase());
        }
    }

    @Test
    void eofLetsWcCountAndStdinAfterEofIsAnErrorWhileTheConnectionCarriesOn() throws Exception {
        Path script = TesterScripts.sh(dir, "wc.sh", "wc -l; read nothing; echo still here");
        try (TesterServer server = TesterServer.start(script.toString());
             EventSocket ws = TesterProtocol.connect(server.ws("/"))) {
            next(ws, "start");
            ws.send(TesterProtocol.stdin("a\nb\nc\n"));
            ws.send(TesterProtocol.eof());
            assertEquals("3", ((String) next(ws, "stdout").get("data")).trim());
            assertEquals("still here", next(ws, "stdout").get("data"));
            assertEquals(Map.of("type", "exit", "code", 0L), next(ws));
            assertEquals(1000, ws.awaitClose().getCloseCode().getCode());
        }
        try (TesterServer server = TesterServer.start("sleep", "30");
             EventSocket ws = TesterProtocol.connect(server.ws("/"))) {
            next(ws, "start");
            ws.send(TesterProtocol.eof());
            ws.send(TesterProtocol.stdin("late\n"));
            assertEquals("error", next(ws).get("type"));
            ws.send(TesterProtocol.eof());
            assertEquals("error", next(ws).get("type"));
            ws.send(TesterProtocol.signal("TERM"));
            assertEquals(Map.of("type", "exit", "signal", "TERM"), next(ws));
        }
    }

    @Test
    void signalEndingTheProgramIsReportedByNameAndClosesWith1011() throws Exception {
        try (TesterServer server = TesterServer.start("sleep", "30");
             EventSocket ws = TesterProtocol.connect(server.ws("/"))) {
            long pid = (Long) next(ws, "start").get("pid");
            ws.send(TesterProtocol.signal("KILL"));
            assertEquals(Map.of("type", "exit", "signal", "KILL"), next(ws));
            CloseReason close = ws.awaitClose();
            assertEquals(1011, close.getCloseCode().getCode());
            assertEquals("exit status 137", close.getReasonPhrase());
            assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        }
    }

    @Test
    void eachSignalReachesTheWholeProcessGroup() throws Exception {
        // The program traps the signal and runs a child in the foreground that traps it too: both report it,
        // so the signal went to the group, not only to the program.
        Path script = TesterScripts.sh(dir, "traps.sh", String.join("\n",
                "read S",
                "trap \"echo parent-$S\" $S",
                "sh -c \"trap 'echo child-$S; exit 0' $S; echo ready; while :; do sleep 0.05; done\"",
                "echo done"));
        try (TesterServer server = TesterServer.start(script.toString())) {
            for (String signal : List.of("INT", "TERM", "HUP", "QUIT", "USR1", "USR2")) {
                try (EventSocket ws = TesterProtocol.connect(server.ws("/"))) {
                    next(ws, "start");
                    ws.send(TesterProtocol.stdin(signal + "\n"));
                    assertEquals("ready", next(ws, "stdout").get("data"), signal);
                    ws.send(TesterProtocol.signal(signal));
                    // The group's sleep dies of the signal too, and its shell may say so on stderr.
                    List<Object> lines = new ArrayList<>();
                    Map<String, Object> m;
                    while (!"exit".equals((m = next(ws)).get("type"))) {
                        if ("stdout".equals(m.get("type"))) {
                            lines.add(m.get("data"));
                        }
                    }
                    assertEquals(List.of("child-" + signal, "parent-" + signal, "done"), lines, signal);
                    assertEquals(Map.of("type", "exit", "code", 0L), m, signal);
                }
            }
        }
    }

    @Test
    void badRequestsGetAnErrorMessageAndTheProgramCarriesOn() throws Exception {
        try (TesterServer server = TesterServer.start("cat");
             EventSocket ws = TesterProtocol.connect(server.ws("/"))) {
            long pid = (Long) next(ws, "start").get("pid");
            for (String bad : List.of("not json", "[1,2]", "{\"type\":\"launch\"}", "{\"data\":\"x\"}",
                    "{\"type\":\"stdin\"}", "{\"type\":\"signal\",\"name\":\"STOP\"}", "{\"type\":\"stdin\",\"data\":1}",
                    "{\"type\":\"eof\"} trailing", TesterProtocol.resume("x", 0), "{\"type\":\"stdin\",\"data\":\"\\u0000")) {
                ws.send(bad);
                Map<String, Object> error = next(ws);
                assertEquals("error", error.get("type"), bad);
                assertFalse(((String) error.get("message")).isEmpty(), bad);
            }
            ws.send(TesterProtocol.stdin("fine\n"));
            assertEquals(Map.of("type", "stdout", "seq", 1L, "data", "fine"), next(ws));
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        }
    }

    @Test
    void binaryFramingCarriesStreamBytesAndStdinAfterAZeroByte() throws Exception {
        Path script = TesterScripts.sh(dir, "bin.sh", "head -c 4; printf 'oops' >&2; exit 0");
        try (TesterServer server = TesterServer.start("--binary", script.toString());
             EventSocket ws = TesterProtocol.connect(server.ws("/"))) {
            next(ws, "start");
            byte[] data = {(byte) 0xFF, 0, '\n', 7};
            ws.send(TesterProtocol.binaryStdin(data));
            Map<Integer, byte[]> streams = new HashMap<>();
            while (streams.size() < 2) {
                ByteBuffer b = ws.nextBinary();
                int stream = b.get() & 0xff;
                byte[] rest = new byte[b.remaining()];
                b.get(rest);
                streams.merge(stream, rest, (x, y) -> concat(x, y));
            }
            assertArrayEquals(data, streams.get(1));
            assertArrayEquals("oops".getBytes(StandardCharsets.US_ASCII), streams.get(2));
            assertEquals(Map.of("type", "exit", "code", 0L), next(ws));
            assertEquals(1000, ws.awaitClose().getCloseCode().getCode());
        }
    }

    @Test
    void binaryMessageForAnotherChannelIsAnError() throws Exception {
        try (TesterServer server = TesterServer.start("--binary", "cat");
             EventSocket ws = TesterProtocol.connect(server.ws("/"))) {
            next(ws, "start");
            ws.send(ByteBuffer.wrap(new byte[] {1, 'x'}));
            assertEquals("error", next(ws).get("type"));
            ws.send(TesterProtocol.stdin("text stdin works too"));
            ByteBuffer b = ws.nextBinary();
            assertEquals(1, b.get());
            assertEquals("text stdin works too", StandardCharsets.UTF_8.decode(b).toString());
        }
    }

    @Test
    void protocolRequiredRefusesAHandshakeThatDoesNotOfferIt() throws Exception {
        try (TesterServer server = TesterServer.start("--protocol=required", "cat")) {
            RawWebSocket.Refused refused = assertThrows(RawWebSocket.Refused.class,
                    () -> RawWebSocket.open(server.port(), "/", Duration.ofSeconds(5)));
            assertEquals(400, refused.status());
            try (RawWebSocket offered = RawWebSocket.open(server.port(), "/", Duration.ofSeconds(5), 0,
                    "Sec-WebSocket-Protocol: chat, procsocket.v1\r\n")) {
                assertTrue(offered.responseHead().toLowerCase().contains("sec-websocket-protocol: procsocket.v1"),
                        offered.responseHead());
                assertEquals("start", TesterProtocol.parse(offered.readFrame().text()).get("type"));
            }
            // And the server goes on serving: a refused client costs nothing.
            try (EventSocket ws = TesterProtocol.connect(server.ws("/"))) {
                next(ws, "start");
            }
        }
    }

    @Test
    void stdinOverMaxFrameSizeClosesWith1009() throws Exception {
        try (TesterServer server = TesterServer.start("--maxframesize=100", "cat");
             EventSocket ws = TesterProtocol.connect(server.ws("/"))) {
            next(ws, "start");
            ws.send(TesterProtocol.binaryStdin(new byte[101]));
            assertEquals(1009, ws.awaitClose().getCloseCode().getCode());
        }
    }

    @Test
    void sharedProgramSpeaksTheProtocolToTypedClientsAndLinesToPlainOnes() throws Exception {
        try (TesterServer server = TesterServer.start("--shared", "cat");
             EventSocket typed = TesterProtocol.connect(server.ws("/"));
             EventSocket plain = EventSocket.connect(server.ws("/"))) {
            assertEquals("start", next(typed).get("type"));
            // The plain client speaks first: the server reads its message only after its open has joined it to
            // the audience (its client-side connect returns on the 101, which can be before that), so no line
            // can go out before both are there to get it.
            plain.send("one");
            assertEquals(Map.of("type", "stdout", "seq", 1L, "data", "one"), next(typed));
            assertEquals("one", plain.nextText());
            typed.send(TesterProtocol.stdin("two\n"));
            assertEquals(Map.of("type", "stdout", "seq", 2L, "data", "two"), next(typed));
            assertEquals("two", plain.nextText());
            for (String refused : List.of(TesterProtocol.eof(), TesterProtocol.signal("INT"), TesterProtocol.resume("t", 0))) {
                typed.send(refused);
                assertEquals("error", next(typed).get("type"), refused);
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
