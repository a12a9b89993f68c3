package io.procsocket.protocol;

import static io.procsocket.testing.TesterProtocol.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.EventSocket;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterProtocol;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import jakarta.websocket.CloseReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --resume: a procsocket.v1 client whose connection drops comes back to the same program and gets every output
 * message it had not had, once. Drops are real: a TCP reset from a raw client, mid-output.
 */
class ResumeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String OFFER = "Sec-WebSocket-Protocol: procsocket.v1\r\n";

    @TempDir
    Path dir;

    /** A raw client that says procsocket.v1 and its first request at once (so its program starts without delay). */
    private static RawWebSocket rawClient(TesterServer server, String first) throws Exception {
        RawWebSocket ws = RawWebSocket.open(server.port(), "/", WAIT, 0, OFFER);
        ws.sendText(first);
        return ws;
    }

    private static Map<String, Object> read(RawWebSocket ws) throws Exception {
        RawWebSocket.Frame f = ws.readFrame();
        assertEquals(RawWebSocket.TEXT, f.opcode(), "a text frame");
        return TesterProtocol.parse(f.text());
    }

    @Test
    void abruptTcpDropThenResumeGetsTheSameProgramWithNoGapAndNoDuplicate() throws Exception {
        // Output paced by the program itself; the test synchronises on the messages only.
        Path script = TesterScripts.sh(dir, "ticks.sh",
                "i=0; while [ $i -lt 60 ]; do i=$((i+1)); echo $i; sleep 0.02; done; read x; echo bye");
        try (TesterServer server = TesterServer.start("--resume=10000", script.toString())) {
            String token;
            long pid;
            long last = 0;
            try (RawWebSocket a = rawClient(server, TesterProtocol.stdin(""))) {
                Map<String, Object> start = read(a);
                assertEquals("start", start.get("type"));
                token = (String) start.get("resume");
                pid = (Long) start.get("pid");
                assertTrue(token.length() >= 22, "at least 128 bits: " + token);
                while (last < 5) {
                    Map<String, Object> m = read(a);
                    assertEquals(last + 1, m.get("seq"));
                    last = (Long) m.get("seq");
                }
                a.abort();
            }
            try (EventSocket b = TesterProtocol.connect(server.ws("/"))) {
                b.send(TesterProtocol.resume(token, last));
                Map<String, Object> start = next(b, "start");
                assertEquals(pid, start.get("pid"), "the same program");
                assertNotEquals(token, start.get("resume"), "a new token for the new attachment");
                for (long seq = last + 1; seq <= 60; seq++) {
                    Map<String, Object> m = next(b, "stdout");
                    assertEquals(seq, m.get("seq"));
                    assertEquals(Long.toString(seq), m.get("data"));
                }
                b.send(TesterProtocol.stdin("\n"));
                assertEquals(Map.of("type", "stdout", "seq", 61L, "data", "bye"), next(b));
                assertEquals(Map.of("type", "exit", "code", 0L), next(b));
                assertEquals(1000, b.awaitClose().getCloseCode().getCode());
            }
        }
    }

    @Test
    void outputOverTheResumeBufferIsDroppedOldestFirstAndTheClientIsToldWhichItMissed() throws Exception {
        Path script2 = TesterScripts.sh(dir, "flood2.sh",
                "i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo line-$i; done; touch " + dir.resolve("printed") + "; read x");
        try (TesterServer server = TesterServer.start("--resume=10000", "--resume-buffer=2000", script2.toString())) {
            String token;
            long last;
            try (RawWebSocket a = RawWebSocket.open(server.port(), "/", WAIT, 4096, OFFER)) {
                a.sendText(TesterProtocol.stdin(""));
                token = (String) read(a).get("resume");
                last = (Long) read(a).get("seq");
                a.abort();
            }
            awaitFile(dir.resolve("printed"));
            try (EventSocket b = TesterProtocol.connect(server.ws("/"))) {
                b.send(TesterProtocol.resume(token, last));
                next(b, "start");
                Map<String, Object> missed = next(b, "missed");
                assertEquals(last + 1, missed.get("from"));
                long to = (Long) missed.get("to");
                assertTrue(to > last && to < 300, missed.toString());
                // 2000 bytes of buffer keep a few dozen short lines, never all 300.
                for (long seq = to + 1; seq <= 300; seq++) {
                    Map<String, Object> m = next(b, "stdout");
                    assertEquals(seq, m.get("seq"));
                    assertEquals("line-" + seq, m.get("data"));
                }
                assertTrue(300 - to < 60, "kept " + (300 - to) + " lines of 2000 bytes");
            }
        }
    }

    @Test
    void wrongSpentAndOtherProgramsTokensAreRefusedWith1008AndNeverLogged() throws Exception {
        try (TesterLog log = TesterLog.capture();
             TesterServer server = TesterServer.start("--resume=10000", "cat")) {
            try (EventSocket guess = TesterProtocol.connect(server.ws("/"))) {
                guess.send(TesterProtocol.resume("AAAAAAAAAAAAAAAAAAAAAAAA", 0));
                assertEquals("error", next(guess).get("type"));
                CloseReason close = guess.awaitClose();
                assertEquals(1008, close.getCloseCode().getCode());
            }
            String token;
            try (RawWebSocket a = rawClient(server, TesterProtocol.stdin(""))) {
                token = (String) read(a).get("resume");
                a.abort();
            }
            try (EventSocket b = TesterProtocol.connect(server.ws("/"))) {
                b.send(TesterProtocol.resume(token, 0));
                next(b, "start");
                // The token is spent: a second resume with it is refused, and b keeps the program.
                try (EventSocket c = TesterProtocol.connect(server.ws("/"))) {
                    c.send(TesterProtocol.resume(token, 0));
                    assertEquals("error", next(c).get("type"));
                    assertEquals(1008, c.awaitClose().getCloseCode().getCode());
                }
                b.send(TesterProtocol.stdin("still mine\n"));
                assertEquals("still mine", next(b, "stdout").get("data"));
            }
            assertFalse(String.join("\n", log.lines()).contains(token), "a token in the log would let its reader take the program over");
            assertTrue(String.join("\n", log.lines()).contains("RESUME REFUSED"), String.join("\n", log.lines()));
        }
    }

    @Test
    void programIsEndedWhenNobodyResumesWithinTheTimeAndItsTokenDiesWithIt() throws Exception {
        try (TesterServer server = TesterServer.start("--resume=300", "sleep", "60")) {
            String token;
            long pid;
            try (RawWebSocket a = rawClient(server, TesterProtocol.stdin(""))) {
                Map<String, Object> start = read(a);
                token = (String) start.get("resume");
                pid = (Long) start.get("pid");
                a.abort();
            }
            ProcessHandle program = ProcessHandle.of(pid).orElseThrow();
            assertTrue(program.onExit().toCompletableFuture().completeOnTimeout(null, 5, TimeUnit.SECONDS).join() != null
                    || !program.isAlive(), "the program ended after --resume with no client");
            assertFalse(program.isAlive());
            try (EventSocket late = TesterProtocol.connect(server.ws("/"))) {
                late.send(TesterProtocol.resume(token, 0));
                assertEquals("error", next(late).get("type"));
                assertEquals(1008, late.awaitClose().getCloseCode().getCode());
            }
        }
    }

    @Test
    void cleanCloseEndsTheProgramAtOnceEvenWithResumeOn() throws Exception {
        try (TesterServer server = TesterServer.start("--resume=60000", "sleep", "60");
             EventSocket a = TesterProtocol.connect(server.ws("/"))) {
            a.send(TesterProtocol.stdin(""));
            long pid = (Long) next(a, "start").get("pid");
            ProcessHandle program = ProcessHandle.of(pid).orElseThrow();
            a.close();
            // Within the kill sequence's second (not --resume's minute).
            assertTrue(program.onExit().toCompletableFuture().completeOnTimeout(null, 5, TimeUnit.SECONDS).join() != null,
                    "ended at once by a 1000 close");
        }
    }

    @Test
    void resumeWhileTheOldConnectionStillLooksOpenTakesTheProgramOver() throws Exception {
        // Half-open: the client's Wi-Fi dropped, the server has not noticed. The resume wins; the old one is let go.
        try (TesterServer server = TesterServer.start("--resume=10000", "cat");
             EventSocket a = TesterProtocol.connect(server.ws("/"))) {
            a.send(TesterProtocol.stdin("one\n"));
            Map<String, Object> start = next(a, "start");
            assertEquals(1L, next(a, "stdout").get("seq"));
            try (EventSocket b = TesterProtocol.connect(server.ws("/"))) {
                b.send(TesterProtocol.resume((String) start.get("resume"), 1));
                assertEquals(start.get("pid"), next(b, "start").get("pid"));
                CloseReason old = a.awaitClose();
                assertEquals(1001, old.getCloseCode().getCode());
                assertEquals("resumed elsewhere", old.getReasonPhrase());
                b.send(TesterProtocol.stdin("two\n"));
                assertEquals(Map.of("type", "stdout", "seq", 2L, "data", "two"), next(b));
            }
        }
    }

    @Test
    void clientThatSendsNothingGetsItsProgramAfterTheStartWindow() throws Exception {
        try (TesterServer server = TesterServer.start("--resume=10000", "echo", "hi");
             EventSocket ws = TesterProtocol.connect(server.ws("/"))) {
            Map<String, Object> start = next(ws, "start");
            assertTrue(start.get("resume") instanceof String);
            assertEquals("hi", next(ws, "stdout").get("data"));
            assertEquals(Map.of("type", "exit", "code", 0L), next(ws));
        }
    }

    @Test
    void resumeFlagsAreValidated() {
        for (String[] bad : new String[][] {{"--resume=0", "cat"}, {"--resume-buffer=10", "cat"},
            {"--resume=100", "--shared", "cat"}, {"--protocol=sometimes", "cat"}}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> TesterServer.start(bad).close(), String.join(" ", bad));
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }

    private static void awaitFile(Path p) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(p)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(p + " not written within " + WAIT);
            }
            Thread.onSpinWait();
            Thread.sleep(10);
        }
    }
}
