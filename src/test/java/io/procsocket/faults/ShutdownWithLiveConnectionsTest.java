package io.procsocket.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the server while children run (including one ignoring SIGTERM, one with a grandchild and
 * one blocked on a full stdin pipe) ends every process group, and a second server goes on serving.
 */
class ShutdownWithLiveConnectionsTest {
    private static final String SCRIPT = String.join("\n",
            "case \"$PATH_INFO\" in",
            "  /stubborn) trap '' INT TERM HUP; echo \"pid $$\"; while :; do sleep 1; done ;;",
            "  /forker) sleep 600 & echo \"pid $$ $!\"; exec cat ;;",
            "  /deaf) echo \"pid $$\"; exec sleep 600 ;;",
            "  *) echo \"pid $$\"; exec cat ;;",
            "esac");

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void closingTheServerEndsEveryProcessGroupAndOtherServersKeepServing() throws IOException {
        Path script = TesterScripts.sh(dir, "live.sh", SCRIPT);
        List<Long> groups = new ArrayList<>();
        List<RawWebSocket> clients = new ArrayList<>();
        try (TesterServer other = TesterServer.start("--loglevel=none", script.toString())) {
            TesterServer server = TesterServer.start("--loglevel=none", script.toString());
            try {
                for (String path : List.of("/stubborn", "/forker", "/deaf", "/cat")) {
                    RawWebSocket ws = RawWebSocket.open(server.port(), path, Duration.ofSeconds(10));
                    clients.add(ws);
                    String line = ws.readFrame().text();
                    for (String pid : line.substring(4).trim().split(" ")) {
                        groups.add(Long.parseLong(pid));
                    }
                }
                // Fill the deaf child's stdin pipe so a container thread is blocked writing to it.
                clients.get(2).sendText("d".repeat(64 * 1024));
                clients.get(2).sendText("d".repeat(64 * 1024));
                assertEquals(4, server.gateway().liveChildren());
            } finally {
                server.close();
            }
            assertEquals(0, server.gateway().liveChildren(), "close() returns after its children are gone");
            assertTrue(Processes.await(() -> Processes.inGroups(groups).isEmpty(), Duration.ofSeconds(10)),
                    "processes left in groups " + groups + ": " + Processes.inGroups(groups));

            try (RawWebSocket ws = RawWebSocket.open(other.port(), "/cat", Duration.ofSeconds(10))) {
                ws.readFrame();
                ws.sendText("still here");
                assertEquals("still here", ws.readFrame().text());
                ws.sendClose(1000, "");
                assertEquals(1000, ws.awaitCloseCode());
            }
        } finally {
            for (RawWebSocket ws : clients) {
                ws.close();
            }
        }
    }
}
