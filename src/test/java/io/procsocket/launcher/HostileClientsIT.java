package io.procsocket.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.parity.RawHttp;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterScripts;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged WAR, run as a user runs it (`java -XX:+ExitOnOutOfMemoryError -jar procsocket.war ...`), against
 * clients that try to take it down: a flood of broken handshakes under a small heap, a log output that stops
 * being read while a program floods stderr, and a configuration that lets one client exhaust the heap.
 */
class HostileClientsIT {
    private static final Duration FLOOD_LIMIT = Duration.ofSeconds(30);
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    @TempDir
    Path dir;

    @Test
    void aFloodOfBrokenHandshakesUnderASmallHeapLeavesTheHeapWhereItWas() throws Exception {
        int port = WarProcess.freePort();
        try (WarProcess war = WarProcess.start(List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
                "--port=" + port, "--address=127.0.0.1", "cat")) {
            war.awaitServing();
            echoOnce(port);
            long before = heapUsedAfterGc(war.pid());

            // 7 KB of headers each, as in the report: before the fix every one of them left a ticket holding them.
            String padding = "X-Padding: " + "p".repeat(7000) + "\r\n";
            String[] broken = {
                RawHttp.upgradeRequest("/", "127.0.0.1", padding).replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""),
                RawHttp.upgradeRequest("/", "127.0.0.1", padding).replace("Version: 13", "Version: 8"),
                RawHttp.upgradeRequest("/", "127.0.0.1", padding).replace("Connection: Upgrade", "Connection: keep-alive"),
            };
            int total = 20_000;
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger next = new AtomicInteger();
            long deadline = System.nanoTime() + FLOOD_LIMIT.toNanos();
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> all = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    all.add(clients.submit(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < total && System.nanoTime() < deadline) {
                            int status = refusedStatus(port, broken[i % broken.length]);
                            if (status != 400 && status != 426) {
                                throw new AssertionError("broken handshake answered " + status);
                            }
                            answered.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : all) {
                    f.get(FLOOD_LIMIT.toMillis() + 5000, TimeUnit.MILLISECONDS);
                }
            } finally {
                clients.shutdownNow();
            }
            assertEquals(total, answered.get(), "every broken handshake answered within " + FLOOD_LIMIT);
            long floodMs = FLOOD_LIMIT.toMillis() - TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());

            echoOnce(port);
            long after = heapUsedAfterGc(war.pid());
            System.out.printf("broken-handshake flood: %d answered in %d ms; heap after GC %d KiB before, %d KiB after%n",
                    total, floodMs, before, after);
            // A ticket per request would be 20,000 x 7 KB (140 MB and more): far past this, and past the heap.
            assertTrue(after - before < 16 * 1024, "heap after GC grew from " + before + "K to " + after + "K");
        }
    }

    @Test
    void aStalledLogOutputDoesNotStopOtherConnections() throws Exception {
        Path script = TesterScripts.sh(dir, "route.sh",
                // Not `exec yes`: the shell must keep stdout open, or the connection ends at once (stdout closed).
                "case \"$PATH_INFO\" in /flood) yes 'stderr flood line' >&2 ;; *) exec cat ;; esac");
        int port = WarProcess.freePort();
        try (WarProcess war = WarProcess.start("--port=" + port, "--address=127.0.0.1", script.toString())) {
            war.awaitServing();
            war.pauseStdout();
            EventSocket flood = EventSocket.connect(URI.create("ws://127.0.0.1:" + port + "/flood"));
            EventSocket other = EventSocket.connect(URI.create("ws://127.0.0.1:" + port + "/"));
            // Every one of these needs the thread that also reads the flooding program's stderr. Three seconds of
            // flood is far more than the log's queue holds, so lines are dropped, not waited for.
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            for (int i = 0; i < 200 || System.nanoTime() < until; i++) {
                other.send("message " + i);
                assertEquals("message " + i, other.nextText());
            }
            flood.close();
            other.close();
            flood.awaitClose();
            other.awaitClose();
            war.resumeStdout();
            String notice = war.awaitStdout(l -> l.contains("log lines dropped"), Duration.ofSeconds(20));
            assertTrue(notice.contains("| ERROR  | log"), notice);
        }
    }

    @Test
    void anOutOfMemoryErrorEndsTheProcessInsteadOfLeavingItBroken() throws Exception {
        int port = WarProcess.freePort();
        // --maxframesize=0 lets one message grow without limit: the operator asked for it, so the heap runs out.
        try (WarProcess war = WarProcess.start(List.of("-Xmx48m", "-XX:+ExitOnOutOfMemoryError"),
                "--port=" + port, "--address=127.0.0.1", "--echoendpoint", "--maxframesize=0", "cat")) {
            war.awaitServing();
            try (RawWebSocket ws = RawWebSocket.open(port, "/.procsocket/echo", Duration.ofSeconds(20))) {
                long length = 1L << 30;
                byte[] header = {(byte) 0x82, (byte) 0xFF, 0, 0, 0, 0, (byte) (length >> 24), 0, 0, 0, 0, 0, 0, 0};
                ws.sendRaw(header);
                byte[] chunk = new byte[64 * 1024];
                for (long sent = 0; sent < length; sent += chunk.length) {
                    ws.sendRaw(chunk);
                }
            } catch (IOException e) {
                // The server died under us: what this test is waiting for.
            }
            int status = war.awaitExit(Duration.ofSeconds(60));
            assertTrue(status != 0, "exit status " + status);
            assertTrue(war.stdoutLines().stream().anyMatch(l -> l.contains("Terminating due to java.lang.OutOfMemoryError")),
                    "the JVM's own last line");
        }
    }

    private static void echoOnce(int port) throws Exception {
        EventSocket ws = EventSocket.connect(URI.create("ws://127.0.0.1:" + port + "/"));
        ws.send("still served");
        assertEquals("still served", ws.nextText());
        ws.close();
        ws.awaitClose();
    }

    /** Sends one request and reads its answer to the end (the server must close after a refusal). */
    private static int refusedStatus(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            int status = RawHttp.read(in).status();
            if (in.read() != -1) {
                throw new AssertionError("the connection was not closed after the refusal");
            }
            return status;
        }
    }

    /** The server's heap in use right after a full GC, in KiB, as the JDK's own jcmd reports it. */
    private static long heapUsedAfterGc(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(jcmd, Long.toString(pid), "GC.run");
        String info = run(jcmd, Long.toString(pid), "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new AssertionError("no heap figure in: " + info);
        }
        return Long.parseLong(m.group(1));
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
