package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Message sizes as websocketd makes them: --binary sends each read of stdout (64 KiB at most) as one message,
 * and text mode sends a line as one message up to 16 MiB (or --maxframesize, if larger), splitting (and
 * logging) only past that.
 */
class MessageSizesTest {
    @Test
    void binaryMessagesAreOneReadOfStdoutOf64KibAtMost() throws Exception {
        try (TesterServer server = TesterServer.start("--binary", "cat")) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            assertEquals(List.of(10_000), echoedSizes(ws, 10_000));
            assertEquals(List.of(65_536), echoedSizes(ws, 65_536));
            assertEquals(List.of(65_536, 34_464), echoedSizes(ws, 100_000));
            ws.close();
            ws.awaitClose();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    private static List<Integer> echoedSizes(EventSocket ws, int size) throws Exception {
        ws.send(ByteBuffer.wrap(new byte[size]));
        List<Integer> sizes = new ArrayList<>();
        int got = 0;
        while (got < size) {
            int n = ws.nextBinary().remaining();
            sizes.add(n);
            got += n;
        }
        return sizes;
    }

    @Test
    void linesUpTo16MibComeBackAsOneMessage() throws Exception {
        try (TesterServer server = TesterServer.start("--maxframesize=0", "cat")) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            for (int mib : new int[] {4, 8, 16}) {
                String line = "x".repeat(mib << 20);
                ws.send(line);
                String back = ws.nextText();
                assertEquals(line.length(), back.length(), mib + " MiB");
                assertTrue(ws.messages().isEmpty(), mib + " MiB came back in more than one message");
            }
            ws.close();
            ws.awaitClose(Duration.ofSeconds(20));
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void aLineLongerThanTheBoundIsSplitAndTheSplitIsLogged() throws Exception {
        try (TesterLog log = TesterLog.capture(); TesterServer server = TesterServer.start("--maxframesize=0", "cat")) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            ws.send("y".repeat((16 << 20) + 1000));
            assertEquals(16 << 20, ws.nextText().length());
            assertEquals(1000, ws.nextText().length());
            log.await(l -> l.contains("stdout line longer than 16777216 bytes sent in pieces"), Duration.ofSeconds(10));
            ws.close();
            ws.awaitClose(Duration.ofSeconds(20));
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void aLargerMaxframesizeRaisesTheLineBound() throws Exception {
        int max = 20 << 20;
        try (TesterServer server = TesterServer.start("--maxframesize=" + max, "cat")) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            ws.send("z".repeat(max - 1));
            assertEquals(max - 1, ws.nextText().length());
            ws.close();
            ws.awaitClose(Duration.ofSeconds(20));
            Bounded.noChildrenLeft(server.gateway());
        }
    }
}
