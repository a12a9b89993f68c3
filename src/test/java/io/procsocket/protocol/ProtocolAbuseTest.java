package io.procsocket.protocol;

import static io.procsocket.testing.TesterProtocol.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.gateway.Procs;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterProtocol;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** procsocket.v1 under hostile or broken clients: each costs only itself, and the server keeps serving everyone. */
class ProtocolAbuseTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration FLOOD_WAIT = Duration.ofSeconds(60);
    private static final String OFFER = "Sec-WebSocket-Protocol: procsocket.v1\r\n";

    @TempDir
    Path dir;

    @Test
    void slowTypedReaderHoldsBackItsProgramInsteadOfBufferingAndOthersAreServed() throws Exception {
        Path count = dir.resolve("flood.count");
        Path pidFile = dir.resolve("flood.pid");
        Path script = TesterScripts.sh(dir, "flood.sh", "echo $$ > " + pidFile + "; line=$(printf '%01000d' 0); n=0\n"
                + "while :; do echo \"$line\"; n=$((n+1)); [ $((n % 100)) -eq 0 ] && echo $n > " + count + "; done");
        for (String resume : new String[] {"--resume=0", "--resume=10000"}) {
            try (TesterServer server = resume.equals("--resume=0") ? TesterServer.start(script.toString())
                    : TesterServer.start(resume, script.toString());
                 RawWebSocket stalled = RawWebSocket.open(server.port(), "/", WAIT, 16 * 1024, OFFER)) {
                stalled.sendText(TesterProtocol.stdin(""));
                long pid = Procs.readPid(pidFile);
                long lines = Bounded.awaitStable(count.toString(), Duration.ofSeconds(30), () -> Procs.readNumber(count));
                assertTrue(lines * 1001 < 64L << 20, resume + ": the program wrote " + lines + " lines to a client that reads nothing");
                assertTrue(Procs.running(pid), "the flooding program must be blocked, not dead");
                try (EventSocket other = TesterProtocol.connect(server.ws("/"))) {
                    assertEquals("start", next(other).get("type"));
                }
            }
            Files.deleteIfExists(pidFile);
            Files.deleteIfExists(count);
        }
    }

    @Test
    void badRequestsSentFasterThanTheirAnswersAreReadCloseTheClientWith1008() throws Exception {
        try (TesterLog log = TesterLog.capture();
             TesterServer server = TesterServer.start("cat");
             RawWebSocket flooder = RawWebSocket.open(server.port(), "/", WAIT, 4096, OFFER)) {
            // Each answer is ~100 bytes; the socket buffers take thousands before the server's sends queue up.
            byte[] bad = "{\"type\":\"nonsense\",\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}"
                    .getBytes(StandardCharsets.UTF_8);
            try {
                for (int i = 0; i < 200_000; i++) {
                    flooder.send(RawWebSocket.TEXT, bad);
                }
            } catch (IOException e) {
                // The server closed the connection under the flood: what this test expects.
            }
            // Loopback's receive buffer grows to tcp_rmem's maximum (32 MiB here): the whole flood can sit in the
            // server's kernel buffer when the loop ends, and the server answers its way through tens of thousands
            // of requests before its send buffer fills. That takes seconds on a loaded machine, hence the longer bound.
            log.await(l -> l.contains("error messages unread"), FLOOD_WAIT);
            try (EventSocket other = TesterProtocol.connect(server.ws("/"))) {
                next(other, "start");
                other.send(TesterProtocol.stdin("served\n"));
                assertEquals("served", next(other, "stdout").get("data"));
            }
        }
    }

    @Test
    void guessedTokensNeverResumeAndCostNoForkSlot() throws Exception {
        SecureRandom random = new SecureRandom();
        // Two slots: the real program holds one, so a guess that kept its slot would make the next one a 429.
        try (TesterServer server = TesterServer.start("--maxforks=2", "--resume=10000", "cat")) {
            String token;
            try (RawWebSocket a = RawWebSocket.open(server.port(), "/", WAIT, 0, OFFER)) {
                a.sendText(TesterProtocol.stdin("mine\n"));
                token = (String) TesterProtocol.parse(a.readFrame().text()).get("resume");
                a.abort();
            }
            for (int i = 0; i < 50; i++) {
                byte[] guess = new byte[18];
                random.nextBytes(guess);
                try (EventSocket g = TesterProtocol.connect(server.ws("/"))) {
                    g.send(TesterProtocol.resume(Base64.getUrlEncoder().withoutPadding().encodeToString(guess), 0));
                    assertEquals("error", next(g).get("type"));
                    assertEquals(1008, g.awaitClose().getCloseCode().getCode());
                }
            }
            try (EventSocket b = TesterProtocol.connect(server.ws("/"))) {
                b.send(TesterProtocol.resume(token, 0));
                next(b, "start");
                assertEquals(Map.of("type", "stdout", "seq", 1L, "data", "mine"), next(b));
            }
        }
    }

    @Test
    void clientThatStopsAnsweringPingsIsADropItsProgramWaitsFor() throws Exception {
        try (TesterLog log = TesterLog.capture();
             TesterServer server = TesterServer.start("--pingms=200", "--resume=10000", "cat");
             RawWebSocket silent = RawWebSocket.open(server.port(), "/", WAIT, 0, OFFER)) {
            silent.sendText(TesterProtocol.stdin("before\n"));
            Map<String, Object> start = TesterProtocol.parse(silent.readFrame().text());
            // From here it reads nothing and answers no ping: half-open, as after a Wi-Fi drop.
            log.await(l -> l.contains("kept 10000 ms"), WAIT);
            try (EventSocket b = TesterProtocol.connect(server.ws("/"))) {
                b.send(TesterProtocol.resume((String) start.get("resume"), 0));
                assertEquals(start.get("pid"), next(b, "start").get("pid"));
                assertEquals("before", next(b, "stdout").get("data"));
            }
        }
    }
}
