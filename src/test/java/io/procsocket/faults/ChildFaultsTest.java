package io.procsocket.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Children and clients that misbehave. Each case ends with every process of the connection gone (the
 * whole process group, checked in /proc, not just what the gateway tracks) and the same server still
 * serving a well-behaved connection. One script plays every part, chosen by the request path
 * (PATH_INFO), so all cases share one server and "still serving others" means exactly that.
 */
@Timeout(60)
class ChildFaultsTest {
    /** Longest the kill sequence may take (100 + 250 + 500 ms) plus generous slack for a loaded machine. */
    private static final Duration GONE_WITHIN = Duration.ofSeconds(10);
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(10);
    private static final String SCRIPT = String.join("\n",
            "case \"$PATH_INFO\" in",
            "  /echo) echo \"pid $$\"; exec cat ;;",
            "  /flood) echo \"pid $$\"; exec yes flood ;;",
            "  /deaf) echo \"pid $$\"; exec sleep 600 ;;",
            "  /stubborn) trap '' INT TERM HUP; echo \"pid $$\"; while :; do sleep 1; done ;;",
            "  /forker) sleep 600 & echo \"pid $$ $!\"; exec cat ;;",
            "  /forker-exits) sleep 600 & echo \"pid $$ $!\"; exit 0 ;;",
            "  /exit) exit 0 ;;",
            "  /fail) exit 3 ;;",
            "esac");

    @TempDir
    static Path dir;
    private static TesterServer server;
    private final List<Long> pids = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        server = TesterServer.start("--loglevel=none", TesterScripts.sh(dir, "faults.sh", SCRIPT).toString());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Every case: its processes (and their groups) are gone, the gateway tracks none, others are served. */
    @AfterEach
    void everythingGoneAndStillServing() throws IOException {
        assertTrue(Processes.await(() -> Processes.inGroups(pids).isEmpty(), GONE_WITHIN),
                "processes left in groups " + pids + ": " + Processes.inGroups(pids));
        assertTrue(Processes.await(() -> server.gateway().liveChildren() == 0, GONE_WITHIN),
                () -> "gateway still tracks " + server.gateway().liveChildren() + " children; process-layer threads:\n"
                        + processLayerThreads());
        try (RawWebSocket ws = open("/echo")) {
            long pid = readPids(ws)[0];
            ws.sendText("still serving");
            assertEquals("still serving", ws.readFrame().text());
            ws.sendClose(1000, "");
            assertEquals(1000, ws.awaitCloseCode());
            assertTrue(Processes.await(() -> !Processes.alive(pid), GONE_WITHIN), "echo child " + pid + " left");
        }
    }

    @Test
    void childFloodingStdoutIsStoppedWhenItsClientVanishesWithoutReading() throws IOException {
        RawWebSocket ws = open("/flood");
        readPids(ws);
        for (int i = 0; i < 10; i++) {
            assertEquals("flood", ws.readFrame().text());
        }
        ws.abort();
    }

    @Test
    void childFloodingStdoutIsStoppedWhenItsClientCloses() throws IOException {
        try (RawWebSocket ws = open("/flood")) {
            readPids(ws);
            ws.sendClose(1000, "enough");
            assertEquals(1000, ws.awaitCloseCode());
        }
    }

    /**
     * Regression: when the close raced with a send of the flood, Tyrus threw a bare RuntimeException
     * that killed the pump thread, and the connection never finished (child tracked forever, fork slot
     * lost). Repeated so that the race is hit; each round must end with nothing tracked.
     */
    @Test
    void closeRacingWithASendOfAFloodStillFinishesTheConnection() throws IOException {
        for (int round = 0; round < 40; round++) {
            try (RawWebSocket ws = open("/flood")) {
                readPids(ws);
                ws.sendClose(1000, "");
                assertEquals(1000, ws.awaitCloseCode());
            }
            int r = round;
            assertTrue(Processes.await(() -> server.gateway().liveChildren() == 0, GONE_WITHIN),
                    () -> "round " + r + ": gateway still tracks " + server.gateway().liveChildren() + " children");
        }
    }

    /**
     * The child never reads stdin, so the pipe fills and the container thread writing to it blocks; the
     * client then vanishes. The connection must still be ended and the child killed.
     */
    @Test
    void childThatNeverReadsStdinIsEndedWhenItsClientVanishes() throws IOException {
        RawWebSocket ws = open("/deaf");
        readPids(ws);
        String chunk = "d".repeat(64 * 1024);
        for (int i = 0; i < 4; i++) { // 256 KiB: fills the 64 KiB pipe, rests in loopback socket buffers
            ws.sendText(chunk);
        }
        ws.abort();
    }

    /**
     * By design a full stdin pipe holds back this client's socket, so its close frame waits behind the
     * blocked write and is not answered while the child does not read. A client that then gives up and
     * drops the connection (as browsers do after their close timeout) still gets its child ended.
     */
    @Test
    void childThatNeverReadsStdinIsEndedWhenItsClientClosesAndThenDrops() throws IOException {
        RawWebSocket ws = open("/deaf");
        readPids(ws);
        ws.sendText("d".repeat(64 * 1024));
        ws.sendText("d".repeat(64 * 1024));
        ws.sendClose(1000, "");
        ws.abort();
    }

    @Test
    void childIgnoringSigintAndSigtermIsKilled() throws IOException {
        try (RawWebSocket ws = open("/stubborn")) {
            readPids(ws);
            ws.sendClose(1000, "");
            assertEquals(1000, ws.awaitCloseCode());
        }
    }

    @Test
    void grandchildDoesNotOutliveTheConnection() throws IOException {
        try (RawWebSocket ws = open("/forker")) {
            long[] p = readPids(ws);
            assertTrue(Processes.alive(p[1]), "the grandchild runs while the connection lasts");
            ws.sendClose(1000, "");
            assertEquals(1000, ws.awaitCloseCode());
        }
    }

    /** The child exits but its grandchild holds stdout open: the connection must end anyway. */
    @Test
    void childExitingWhileGrandchildHoldsStdoutEndsTheConnectionAndTheGrandchild() throws IOException {
        try (RawWebSocket ws = open("/forker-exits")) {
            readPids(ws);
            assertEquals(1000, ws.awaitCloseCode());
        }
    }

    @Test
    void childExitingAtOnceClosesWithItsStatus() throws IOException {
        try (RawWebSocket ok = open("/exit"); RawWebSocket bad = open("/fail")) {
            assertEquals(1000, ok.awaitCloseCode());
            RawWebSocket.Frame f = bad.awaitClose();
            assertEquals(1011, f.closeCode());
            assertTrue(new String(f.payload(), 2, f.payload().length - 2, StandardCharsets.UTF_8).contains("3"),
                    "the reason names exit status 3");
        }
    }

    @Test
    void clientVanishingWithoutCloseFrameEndsItsChild() throws IOException {
        RawWebSocket ws = open("/echo");
        readPids(ws);
        ws.sendText("hello");
        assertEquals("hello", ws.readFrame().text());
        ws.abort();
    }

    /**
     * Stacks of the pipe reactor and of the gateway's blocking threads doing something other than waiting
     * for work: where a connection is stuck.
     */
    private static String processLayerThreads() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            boolean idle = Arrays.stream(stack).anyMatch(f -> f.getClassName().contains("SynchronousQueue"));
            String name = thread.getName();
            if ((name.startsWith("procsocket-pipes") || name.startsWith("procsocket-blocking")) && !idle) {
                out.append(thread.getName()).append('\n');
                Arrays.stream(stack).limit(25).forEach(f -> out.append("    at ").append(f).append('\n'));
            }
        });
        return out.toString();
    }

    private static RawWebSocket open(String path) throws IOException {
        return RawWebSocket.open(server.port(), path, IO_TIMEOUT);
    }

    /** Reads the script's "pid P [G]" line and remembers every pid (each is also a process group id). */
    private long[] readPids(RawWebSocket ws) throws IOException {
        String line = ws.readFrame().text();
        assertTrue(line.startsWith("pid "), "first line names the pids: " + line);
        String[] parts = line.substring(4).trim().split(" ");
        long[] p = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            p[i] = Long.parseLong(parts[i]);
            pids.add(p[i]);
        }
        return p;
    }

}
