package io.procsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.EventSocket;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each direction flows on its own, and a slow side holds back only its own connection, never memory. */
class FlowControlTest {
    /** Bytes one /flood line takes on the pipe. */
    private static final int FLOOD_LINE = 1001;

    @TempDir
    static Path dir;
    private static TesterServer server;

    @BeforeAll
    static void start() throws IOException {
        Path script = TesterScripts.sh(dir, "flow.sh", String.join("\n",
                "state=\"$1$PATH_INFO\"",
                "case \"$PATH_INFO\" in",
                // Never reads stdin; counts to 200 on stdout, slowly enough to be streaming for a while.
                // Never reads stdin and never ends by itself.
                "  /deaf-forever*) echo $$ > \"$state.pid\"; while :; do echo tick; sleep 0.01; done ;;",
                "  /deaf*) echo $$ > \"$state.pid\"; i=0; while [ $i -lt 200 ]; do echo $i; i=$((i+1)); sleep 0.01; done ;;",
                // Writes as fast as it can, recording how many lines got through the pipe so far.
                "  /flood) echo $$ > \"$state.pid\"; line=$(printf '%01000d' 0); n=0",
                "    while :; do echo \"$line\"; n=$((n+1)); [ $((n % 100)) -eq 0 ] && echo $n > \"$state.count\"; done ;;",
                "  *) exec cat ;;",
                "esac"));
        server = TesterServer.start(script.toString(), dir + "/");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void noChildLeft() {
        Bounded.noChildrenLeft(server.gateway());
    }

    @Test
    void childThatStopsReadingStdinDoesNotStallStdout() throws Exception {
        EventSocket ws = EventSocket.connect(server.ws("/deaf"));
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch senderDone = new CountDownLatch(1);
        // Far more than pipe + socket buffers can hold, so the sender must end up blocked.
        Thread sender = new Thread(() -> {
            String chunk = "x".repeat(64 * 1024);
            try {
                for (int i = 0; i < 1024; i++) {
                    ws.send(chunk);
                    sent.incrementAndGet();
                }
            } catch (IOException | RuntimeException e) {
                // The connection ended under a blocked send: expected once the child exits.
            } finally {
                senderDone.countDown();
            }
        }, "deaf-sender");
        sender.setDaemon(true);
        sender.start();
        for (int i = 0; i < 100; i++) {
            assertEquals(Integer.toString(i), ws.nextText());
        }
        assertTrue(senderDone.getCount() == 1, "the sender finished: stdin never filled up (" + sent + " sent)");
        for (int i = 100; i < 200; i++) {
            assertEquals(Integer.toString(i), ws.nextText());
        }
        // The server closes with 1000, but this client is still pushing data nobody reads: the server's
        // TCP close may then be a reset that overtakes the close frame, seen here as 1006.
        int code = ws.awaitClose().getCloseCode().getCode();
        assertTrue(code == 1000 || code == 1006, "closed with " + code);
        assertTrue(senderDone.await(10, TimeUnit.SECONDS), "the blocked sender was never released");
    }

    @Test
    void childStuckOnAFullStdinHoldsUpNoOtherConnection() throws Exception {
        EventSocket deaf = EventSocket.connect(server.ws("/deaf-forever-others"));
        long pid = Procs.readPid(dir.resolve("deaf-forever-others.pid"));
        Thread sender = new Thread(() -> {
            String chunk = "x".repeat(64 * 1024);
            try {
                for (int i = 0; i < 1024; i++) {
                    deaf.send(chunk);
                }
            } catch (IOException | RuntimeException e) {
                // Released when the child is killed below.
            }
        }, "deaf-forever-sender");
        sender.setDaemon(true);
        sender.start();
        Bounded.await("bytes waiting for the child to read its stdin", Duration.ofSeconds(10),
                () -> server.gateway().childrenWaitingOnStdin() > 0);
        Bounded.await("a thread waiting for the child's stdin (the client's next frames)", Duration.ofSeconds(10),
                FlowControlTest::someThreadIsWritingStdin);
        // Several clients, so that some share the stuck connection's selector: with
        // -Dprocsocket.iostrategy=samethread the stuck thread IS a selector and these hang (bench/iostrategy).
        for (int i = 0; i < 12; i++) {
            EventSocket other = EventSocket.connect(server.ws("/echo"));
            other.send("other " + i);
            assertEquals("other " + i, other.nextText());
            other.close();
            assertEquals(1000, other.awaitClose().getCloseCode().getCode());
        }
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        // 1011 is sent, but the client is still pushing data the server will never read, so the
        // server's TCP close may be a reset that overtakes the close frame (1006): either is an end.
        int code = deaf.awaitClose().getCloseCode().getCode();
        assertTrue(code == 1011 || code == 1006, "closed with " + code);
        sender.join(10_000);
        assertTrue(!sender.isAlive(), "the blocked sender was never released");
    }

    @Test
    void clientVanishingWhileItsChildIgnoresStdinStillEndsTheChild() throws Exception {
        // The child's stdin is full and the rest of the message waits for it when the client disappears:
        // the kill sequence must not wait behind that write.
        RawWebSocket raw = RawWebSocket.open(server.port(), "/deaf-forever-vanish", Duration.ofSeconds(10));
        long pid = Procs.readPid(dir.resolve("deaf-forever-vanish.pid"));
        byte[] big = new byte[1 << 20];
        Arrays.fill(big, (byte) 'y');
        raw.send(RawWebSocket.TEXT, big);
        // The server runs in this JVM: wait until the child's stdin is really full.
        Bounded.await("bytes waiting for the child to read its stdin", Duration.ofSeconds(10),
                () -> server.gateway().childrenWaitingOnStdin() > 0);
        raw.close();
        Procs.awaitGone(pid, Duration.ofSeconds(10));
    }

    @Test
    void slowClientBlocksItsChildInsteadOfBufferingAndOthersAreStillServed() throws Exception {
        Path count = dir.resolve("flood.count");
        try (RawWebSocket stalled = RawWebSocket.open(server.port(), "/flood", Duration.ofSeconds(10), 16 * 1024)) {
            long pid = Procs.readPid(dir.resolve("flood.pid"));
            long lines = Bounded.awaitStable(count.toString(), Duration.ofSeconds(30), () -> Procs.readNumber(count));
            long bytes = lines * FLOOD_LINE;
            assertTrue(bytes < 64L << 20, "the child wrote " + bytes + " bytes to a client that reads nothing");
            assertTrue(Procs.running(pid), "the flooding child must be blocked, not dead");

            EventSocket other = EventSocket.connect(server.ws("/echo"));
            other.send("still served");
            assertEquals("still served", other.nextText());
            other.close();
            assertEquals(1000, other.awaitClose().getCloseCode().getCode());
        }
    }

    private static boolean someThreadIsWritingStdin() {
        return Thread.getAllStackTraces().values().stream().anyMatch(stack -> Arrays.stream(stack).anyMatch(
                f -> f.getClassName().endsWith("Child") && f.getMethodName().equals("writeStdin")));
    }
}
