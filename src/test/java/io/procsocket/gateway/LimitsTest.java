package io.procsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procsocket.testing.EventSocket;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --maxforks and --maxframesize against a real server. */
class LimitsTest {
    @TempDir
    Path dir;

    @Test
    void upgradeBeyondMaxforksGets429AndASlotFreedIsUsableAgain() throws Exception {
        Path script = TesterScripts.sh(dir, "hold.sh", "echo ready; exec cat");
        try (TesterServer server = TesterServer.start("--maxforks=1", script.toString())) {
            EventSocket first = EventSocket.connect(server.ws("/"));
            assertEquals("ready", first.nextText());
            RawWebSocket.Refused second = org.junit.jupiter.api.Assertions.assertThrows(RawWebSocket.Refused.class,
                    () -> RawWebSocket.open(server.port(), "/", EventSocket.WAIT));
            assertEquals(429, second.status(), second.getMessage());
            first.close();
            first.awaitClose();
            Bounded.noChildrenLeft(server.gateway());
            EventSocket third = EventSocket.connect(server.ws("/"));
            assertEquals("ready", third.nextText());
            third.close();
            third.awaitClose();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void messagesJustUnderMaxframesizeSentBackToBackAreNotMistakenForAnOversizedFrame() throws Exception {
        // Tyrus appends each socket read to the partial frame it holds; a buffer sized for one frame
        // overflowed on perfectly legal traffic and killed the connection with 1011.
        try (TesterServer server = TesterServer.start("--maxframesize=1000", "cat")) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            String msg = "z".repeat(999);
            for (int i = 0; i < 2000; i++) {
                ws.session().getAsyncRemote().sendText(msg);
            }
            for (int i = 0; i < 2000; i++) {
                assertEquals(msg, ws.nextText(), "message " + i);
            }
            ws.close();
            assertEquals(1000, ws.awaitClose().getCloseCode().getCode());
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void fragmentedMessageOverMaxframesizeClosesWith1009() throws Exception {
        try (TesterServer server = TesterServer.start("--maxframesize=1000", "cat")) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            ws.session().getBasicRemote().sendText("a".repeat(600), false);
            ws.session().getBasicRemote().sendText("b".repeat(600), true);
            assertEquals(1009, ws.awaitClose(Duration.ofSeconds(10)).getCloseCode().getCode());
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void messageOverMaxframesizeClosesWith1009AndOtherClientsCarryOn() throws Exception {
        try (TesterServer server = TesterServer.start("--maxframesize=1000", "cat")) {
            EventSocket big = EventSocket.connect(server.ws("/"));
            EventSocket other = EventSocket.connect(server.ws("/"));
            big.send("a".repeat(999)); // 999 + nothing else: the limit is on the message, not the line
            assertEquals("a".repeat(999), big.nextText());
            big.send("b".repeat(1000));
            assertEquals("b".repeat(1000), big.nextText());
            big.send("c".repeat(1001));
            assertEquals(1009, big.awaitClose(Duration.ofSeconds(10)).getCloseCode().getCode());
            other.send("still here");
            assertEquals("still here", other.nextText());
            // Far past Tyrus's frame buffer (limit + one socket read): refused from its header, still 1009.
            EventSocket huge = EventSocket.connect(server.ws("/"));
            huge.send("d".repeat(200_000));
            assertEquals(1009, huge.awaitClose(Duration.ofSeconds(10)).getCloseCode().getCode());
            other.send("and here");
            assertEquals("and here", other.nextText());
            other.close();
            other.awaitClose();
            Bounded.noChildrenLeft(server.gateway());
        }
    }
}
