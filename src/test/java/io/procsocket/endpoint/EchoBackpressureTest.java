package io.procsocket.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.gateway.ReservedPaths;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterServer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The echo endpoint answers on the selector thread without waiting; a client that never reads its echoes
 * must still be held back (not buffered for), and must not freeze the selector thread it shares.
 */
class EchoBackpressureTest {
    private static TesterServer server;

    @BeforeAll
    static void start() {
        server = TesterServer.start("--echoendpoint", "/usr/bin/cat");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void clientThatNeverReadsItsEchoesIsHeldBackAndOthersAreStillServed() throws Exception {
        try (RawWebSocket deaf = RawWebSocket.open(server.port(), ReservedPaths.ECHO, Duration.ofSeconds(10), 16 * 1024)) {
            AtomicLong sent = new AtomicLong();
            Thread sender = new Thread(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    while (sent.get() < 512L << 20) {
                        deaf.send(RawWebSocket.BINARY, chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // Released when the connection is aborted below.
                }
            }, "echo-deaf-sender");
            sender.setDaemon(true);
            sender.start();
            long taken = Bounded.awaitStable("bytes the server takes from a client that reads nothing",
                    Duration.ofSeconds(30), sent::get);
            assertTrue(taken < 64L << 20, "the server took " + taken + " bytes from a client that reads nothing");

            // Several clients, so that some share the deaf client's selector thread.
            for (int i = 0; i < 12; i++) {
                EventSocket other = EventSocket.connect(server.ws(ReservedPaths.ECHO));
                other.send("other " + i);
                assertEquals("other " + i, other.nextText());
                other.close();
                assertEquals(1000, other.awaitClose().getCloseCode().getCode());
            }
            deaf.abort();
            sender.join(10_000);
            assertTrue(!sender.isAlive(), "the blocked sender was never released");
        }
    }
}
