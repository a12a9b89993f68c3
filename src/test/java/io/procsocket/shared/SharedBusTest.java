package io.procsocket.shared;

import static io.procsocket.shared.SharedProcessTest.running;
import static io.procsocket.shared.SharedProcessTest.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterRedis;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import org.junit.jupiter.api.io.TempDir;

/**
 * --shared-bus: two real instances (two standalone servers in this JVM, as two machines behind a load balancer
 * would be) and one real redis-server share each route's one program.
 */
class SharedBusTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path redisDir;
    private static TesterRedis redis;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = TesterRedis.start(redisDir);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    private static TesterServer instance(String... args) {
        List<String> all = new ArrayList<>(List.of("--shared", "--shared-bus=" + redis.url()));
        all.addAll(List.of(args));
        return TesterServer.start(all.toArray(String[]::new));
    }

    private static void noneLeft(Path script, TesterServer... servers) {
        Bounded.await("no process left running " + script, WAIT, () -> running(script) == 0);
        for (TesterServer s : servers) {
            Bounded.noChildrenLeft(s.gateway());
        }
    }

    @Test
    void clientsOnBothInstancesShareOneProcessInOneOrder() throws Exception {
        Path script = TesterScripts.sh(dir, "lines.sh", """
                while read line; do
                  if [ "$line" = go ]; then i=0; while [ $i -lt 300 ]; do echo "n$i"; i=$((i+1)); done
                  else echo "$$ $line"; fi
                done""");
        try (TesterServer a = instance(script.toString()); TesterServer b = instance(script.toString())) {
            EventSocket onA = EventSocket.connect(a.ws("/"));
            Bounded.await("the program started", WAIT, () -> running(script) == 1);
            EventSocket onB = EventSocket.connect(b.ws("/"));
            EventSocket onB2 = EventSocket.connect(b.ws("/other"));
            onA.send("hello-a");
            String first = onA.nextText();
            assertTrue(first.endsWith(" hello-a"), first);
            assertEquals(first, onB.nextText());
            assertEquals(first, onB2.nextText());
            onB.send("hello-b");
            String second = onB2.nextText();
            assertEquals(first.split(" ")[0] + " hello-b", second, "the same process got B's input");
            assertEquals(second, onA.nextText());
            assertEquals(second, onB.nextText());
            assertEquals(1, running(script), "one process for both instances");
            assertEquals(1, a.gateway().liveChildren() + b.gateway().liveChildren());

            onB2.send("go");
            List<String> seenOnA = texts(onA, 300);
            assertEquals(seenOnA, texts(onB, 300));
            assertEquals(seenOnA, texts(onB2, 300));
            for (int i = 0; i < 300; i++) {
                assertEquals("n" + i, seenOnA.get(i));
            }
            onA.close();
            onB.close();
            onB2.close();
            noneLeft(script, a, b);
        }
    }

    @Test
    void aClientOfTheOtherInstanceGetsTheReplay() throws Exception {
        Path script = TesterScripts.sh(dir, "replay.sh", """
                i=1; while [ $i -le 10 ]; do echo "line$i"; i=$((i+1)); done
                while read l; do echo "echo $l"; done""");
        try (TesterServer a = instance("--shared-replay=4", script.toString());
             TesterServer b = instance("--shared-replay=4", script.toString())) {
            EventSocket onA = EventSocket.connect(a.ws("/"));
            assertEquals(List.of("line1", "line2", "line3", "line4", "line5", "line6", "line7", "line8", "line9",
                    "line10"), texts(onA, 10));
            EventSocket onB = EventSocket.connect(b.ws("/"));
            assertEquals(List.of("line7", "line8", "line9", "line10"), texts(onB, 4));
            onB.send("live");
            assertEquals("echo live", onB.nextText());
            assertEquals("echo live", onA.nextText());
            onA.close();
            onB.close();
            noneLeft(script, a, b);
        }
    }

    @Test
    void whenTheOwningInstanceStopsTheOtherTakesTheProcessOverAndItsClientsCarryOn() throws Exception {
        Path script = TesterScripts.sh(dir, "takeover.sh", """
                echo "start $$"
                while read l; do echo "$$ $l"; done""");
        TesterServer a = instance(script.toString());
        try (TesterServer b = instance(script.toString())) {
            EventSocket onA = EventSocket.connect(a.ws("/"));
            String started = onA.nextText();
            assertTrue(started.startsWith("start "), started);
            String firstPid = started.substring("start ".length());
            EventSocket onB = EventSocket.connect(b.ws("/"));
            onB.send("x");
            assertEquals(firstPid + " x", onB.nextText());
            assertEquals(firstPid + " x", onA.nextText());

            long stoppedAt = System.nanoTime();
            a.close();
            onA.awaitClose();
            String restarted = onB.nextText();
            long tookMs = (System.nanoTime() - stoppedAt) / 1_000_000;
            assertTrue(restarted.startsWith("start "), restarted);
            String secondPid = restarted.substring("start ".length());
            assertNotEquals(firstPid, secondPid, "a new process, on the other instance");
            assertTrue(tookMs < 3000, "a clean stop hands over at once; took " + tookMs + " ms");
            onB.send("y");
            assertEquals(secondPid + " y", onB.nextText(), "input given to the old process is not given again");
            Bounded.await("one process again", WAIT, () -> running(script) == 1);
            assertEquals(1, b.gateway().liveChildren());
            onB.close();
            noneLeft(script, b);
        } finally {
            a.close();
        }
    }

    @Test
    void alwaysRunsOnceForAllInstancesWithoutClientsAndMovesWhenItsOwnerStops() throws Exception {
        Path script = TesterScripts.sh(dir, "always.sh", """
                echo "up $$"
                while read l; do echo "$$ $l"; done""");
        try (TesterServer a = instance("--shared-always", "--shared-replay=1", script.toString());
             TesterServer b = instance("--shared-always", "--shared-replay=1", script.toString())) {
            Bounded.await("the program started with no client", WAIT, () -> running(script) == 1);
            TesterServer owner = a.gateway().liveChildren() == 1 ? a : b;
            TesterServer other = owner == a ? b : a;
            assertEquals(0, other.gateway().liveChildren());
            EventSocket onOther = EventSocket.connect(other.ws("/"));
            String up = onOther.nextText();
            assertTrue(up.startsWith("up "), up);
            owner.close();
            String again = onOther.nextText();
            assertTrue(again.startsWith("up ") && !again.equals(up), again);
            assertEquals(1, other.gateway().liveChildren());
            onOther.send("still here");
            assertEquals(again.substring(3) + " still here", onOther.nextText());
            onOther.close();
            other.close();
            // Both stopped (an always-on route keeps its --maxforks slot until then): only the processes to check.
            Bounded.await("no process left running " + script, WAIT, () -> running(script) == 0);
            assertEquals(0, a.gateway().liveChildren() + b.gateway().liveChildren());
        }
    }

    @Test
    void theProgramsExitClosesClientsOnBothInstancesWithItsStatus() throws Exception {
        Path script = TesterScripts.sh(dir, "exit.sh", """
                read l; echo "bye $l"; exit 3""");
        try (TesterServer a = instance(script.toString()); TesterServer b = instance(script.toString())) {
            EventSocket onA = EventSocket.connect(a.ws("/"));
            Bounded.await("the program started", WAIT, () -> running(script) == 1);
            EventSocket onB = EventSocket.connect(b.ws("/"));
            onB.send("now");
            assertEquals("bye now", onA.nextText());
            assertEquals("bye now", onB.nextText());
            for (EventSocket ws : List.of(onA, onB)) {
                CloseReason r = ws.awaitClose();
                assertEquals(CloseReason.CloseCodes.UNEXPECTED_CONDITION, r.getCloseCode());
                assertEquals("exit status 3", r.getReasonPhrase());
            }
            noneLeft(script, a, b);
        }
    }

    @Test
    void aFloodOfInputTheProgramDoesNotReadClosesOnlyItsSender() throws Exception {
        Path script = TesterScripts.sh(dir, "deaf.sh", """
                while true; do echo tick; sleep 0.1; done""");
        try (TesterLog log = TesterLog.capture();
             TesterServer a = instance("--shared-queue=65536", script.toString());
             TesterServer b = instance("--shared-queue=65536", script.toString())) {
            EventSocket onA = EventSocket.connect(a.ws("/"));
            assertEquals("tick", onA.nextText());
            EventSocket flooder = EventSocket.connect(b.ws("/"));
            String chunk = "x".repeat(16 * 1024);
            long deadline = System.nanoTime() + WAIT.toNanos();
            int sent = 0;
            try {
                // 64 KiB of pipe and 64 KiB of --shared-queue are all the program holds for it: well before 1000.
                while (sent < 1000 && System.nanoTime() < deadline && flooder.session().isOpen()) {
                    flooder.send(chunk);
                    sent++;
                }
            } catch (IOException | IllegalStateException closedMeanwhile) {
                // The server closed it while we were sending.
            }
            CloseReason r = flooder.awaitClose();
            log.await(l -> l.contains("the shared program is not reading its input"), WAIT);
            // The server's 1008 comes first; a client still sending when the server drops the connection may get a
            // reset before it reads that close frame, and sees 1006.
            if (r.getCloseCode() != CloseReason.CloseCodes.CLOSED_ABNORMALLY) {
                assertEquals(CloseReason.CloseCodes.VIOLATED_POLICY, r.getCloseCode());
                assertEquals("program input full", r.getReasonPhrase());
            }
            onA.messages().clear();
            assertEquals("tick", onA.nextText(), "the other clients carry on");
            EventSocket late = EventSocket.connect(b.ws("/"));
            assertEquals("tick", late.nextText());
            assertEquals(1, running(script));
            onA.close();
            late.close();
            noneLeft(script, a, b);
        }
    }

    @Test
    void thePasswordInTheUrlIsUsedAndAWrongOneFailsStartUp() throws Exception {
        Path script = TesterScripts.sh(dir, "hi.sh", "echo hi; exec cat");
        try (TesterRedis locked = TesterRedis.start(java.nio.file.Files.createDirectories(dir.resolve("locked")),
                List.of("--requirepass", "s3cret"))) {
            String url = "redis://:s3cret@127.0.0.1:" + locked.port() + "/3";
            try (TesterServer a = TesterServer.start("--shared", "--shared-bus=" + url, script.toString())) {
                EventSocket ws = EventSocket.connect(a.ws("/"));
                assertEquals("hi", ws.nextText());
                ws.close();
                noneLeft(script, a);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> TesterServer.start("--shared",
                    "--shared-bus=redis://:wrong@127.0.0.1:" + locked.port(), script.toString()).close());
            assertTrue(e.getMessage().startsWith("--shared-bus: cannot use redis://***@127.0.0.1:" + locked.port()
                    + ": WRONGPASS"), e.getMessage());
        }
    }

    @Test
    void anUnreachableRedisFailsStartUpWithOneLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path script = TesterScripts.sh(dir, "never.sh", "echo never");
        String url = "redis://127.0.0.1:" + port;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TesterServer.start("--shared", "--shared-bus=" + url, script.toString()).close());
        assertEquals("--shared-bus: cannot reach " + url + ": Connection refused", e.getMessage());
    }

    /**
     * An instance that misses output (here: an entry numbered past the next one, as when Redis trimmed the stream
     * before this instance read it) cuts its clients off with 1008 instead of showing them a stream with a hole.
     */
    @Test
    void anInstanceThatMissedOutputCutsItsClientsOffWith1008() throws Exception {
        Path script = TesterScripts.sh(dir, "gap.sh", "echo start; exec cat");
        try (TesterServer a = instance(script.toString());
             Jedis direct = new Jedis("127.0.0.1", redis.port())) {
            EventSocket onA = EventSocket.connect(a.ws("/"));
            assertEquals("start", onA.nextText());
            onA.send("one");
            assertEquals("one", onA.nextText());
            // The route's output stream, named by the SHA-1 of the program's path (README: keys).
            String route = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(script.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            java.util.Set<String> out = direct.keys("procsocket:{" + route + "}:out");
            assertEquals(1, out.size(), out.toString());
            java.util.Map<String, String> entry = new java.util.LinkedHashMap<>();
            entry.put("o", "");
            entry.put("q", "1000");
            direct.xadd(out.iterator().next(), StreamEntryID.NEW_ENTRY, entry);
            jakarta.websocket.CloseReason r = onA.awaitClose();
            assertEquals(1008, r.getCloseCode().getCode());
            assertEquals("fell behind: output missed", r.getReasonPhrase());
            noneLeft(script, a);
        }
    }
}
