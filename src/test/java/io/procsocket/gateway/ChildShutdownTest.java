package io.procsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** websocketd's kill sequence on real processes, and where we do better: the whole group goes. */
class ChildShutdownTest {
    private static final Duration GONE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /**
     * Writes one line when SIGINT arrives, saying whether stdin was already closed then (read hits
     * EOF at once on a closed pipe; on an open one it would hang until SIGTERM and write nothing).
     * SIGINT to the group also ends the foreground sleep, so the trap runs at once.
     */
    private Path recorder() throws IOException {
        return TesterScripts.sh(dir, "recorder.sh", String.join("\n",
                "log=\"$1$PATH_INFO\"",
                "trap 'if read -r x; then echo int-stdin-open; else echo int-stdin-closed; fi >> \"$log\"; exit 0' INT",
                "echo ready",
                "while :; do sleep 1; done"));
    }

    private static void awaitLines(Path file, int n) {
        Bounded.await(file + " has " + n + " lines", GONE, () -> {
            try {
                return Files.exists(file) && Files.readAllLines(file).size() >= n;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void clientLeavingClosesStdinFirstThenSendsSigint() throws Exception {
        try (TesterServer server = TesterServer.start(recorder().toString(), dir + "/")) {
            EventSocket ws = EventSocket.connect(server.ws("/plain"));
            assertEquals("ready", ws.nextText());
            ws.close();
            Path log = dir.resolve("plain");
            awaitLines(log, 1);
            assertEquals(List.of("int-stdin-closed"), Files.readAllLines(log));
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void closemsIsAddedBeforeTheSigint() throws Exception {
        long closeMs = 700;
        try (TesterServer server = TesterServer.start("--closems=" + closeMs, recorder().toString(), dir + "/")) {
            EventSocket ws = EventSocket.connect(server.ws("/slow"));
            assertEquals("ready", ws.nextText());
            Path log = dir.resolve("slow");
            long start = System.nanoTime();
            ws.close();
            awaitLines(log, 1);
            long intMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(List.of("int-stdin-closed"), Files.readAllLines(log));
            // A lower bound only (never a timing target): SIGINT is scheduled 100 + closems after the close.
            assertTrue(intMs >= 100 + closeMs, "SIGINT after " + intMs + " ms");
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void childIgnoringIntAndTermIsStillKilled() throws Exception {
        Path pidFile = dir.resolve("stubborn.pid");
        Path script = TesterScripts.sh(dir, "stubborn.sh", String.join("\n",
                "trap '' INT TERM",
                "echo $$ > \"$1\"",
                "echo ready",
                "while :; do sleep 1; done"));
        try (TesterServer server = TesterServer.start(script.toString(), pidFile.toString())) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            assertEquals("ready", ws.nextText());
            long pid = Procs.readPid(pidFile);
            assertTrue(Procs.running(pid));
            ws.close();
            Procs.awaitGone(pid, GONE);
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void grandchildDoesNotOutliveItsConnection() throws Exception {
        Path pidFile = dir.resolve("grandchild.pid");
        Path script = TesterScripts.sh(dir, "parent.sh", String.join("\n",
                "sleep 1000 &",
                "echo $! > \"$1\"",
                "echo ready",
                "while :; do sleep 1; done"));
        try (TesterServer server = TesterServer.start(script.toString(), pidFile.toString())) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            assertEquals("ready", ws.nextText());
            long grandchild = Procs.readPid(pidFile);
            assertTrue(Procs.running(grandchild));
            ws.close();
            Procs.awaitGone(grandchild, GONE);
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void backgroundJobLeftByAnExitedChildNeitherHoldsTheConnectionNorSurvives() throws Exception {
        Path pidFile = dir.resolve("orphan.pid");
        // The background sleep inherits stdout, so stdout never reaches EOF by itself.
        Path script = TesterScripts.sh(dir, "leaver.sh", String.join("\n",
                "sleep 1000 &",
                "echo $! > \"$1\"",
                "echo done"));
        try (TesterServer server = TesterServer.start(script.toString(), pidFile.toString())) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            assertEquals("done", ws.nextText());
            assertEquals(1000, ws.awaitClose().getCloseCode().getCode());
            Procs.awaitGone(Procs.readPid(pidFile), GONE);
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void serverStopEndsEveryChild() throws Exception {
        Path pidFile = dir.resolve("stop.pid");
        Path script = TesterScripts.sh(dir, "stop.sh", String.join("\n",
                "trap '' INT TERM",
                "echo $$ > \"$1\"",
                "echo ready",
                "while :; do sleep 1; done"));
        TesterServer server = TesterServer.start(script.toString(), pidFile.toString());
        long pid;
        try {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            assertEquals("ready", ws.nextText());
            pid = Procs.readPid(pidFile);
        } finally {
            server.close();
        }
        Procs.awaitGone(pid, GONE);
    }
}
