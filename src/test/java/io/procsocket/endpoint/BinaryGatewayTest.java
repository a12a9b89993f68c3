package io.procsocket.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procsocket.gateway.Bounded;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterServer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** --binary through cat: bytes exact and in order both ways, whatever chunks the pipe makes of them. */
class BinaryGatewayTest {
    private static TesterServer server;

    @BeforeAll
    static void start() {
        server = TesterServer.start("--binary", "cat");
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
    void everyByteValueAndSizesUpToOneMebibyteComeBackExactAndInOrder() throws Exception {
        EventSocket ws = EventSocket.connect(server.ws("/"));
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        Random random = new Random(42);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int size : new int[] {1, 256, 4095, 65536, 65537, 300_000, 1 << 20}) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            if (size == 256) {
                b = all.clone();
            }
            sent.write(b);
            ws.send(ByteBuffer.wrap(b));
        }
        byte[] expected = sent.toByteArray();
        assertArrayEquals(expected, ws.nextBytes(expected.length));
        ws.close();
        assertEquals(1000, ws.awaitClose().getCloseCode().getCode());
    }

    @Test
    void newlinesAndCarriageReturnsAreDataNotLineEndings() throws Exception {
        EventSocket ws = EventSocket.connect(server.ws("/"));
        byte[] b = {'\r', '\n', 0, '\n', '\r'};
        ws.send(ByteBuffer.wrap(b));
        assertArrayEquals(b, ws.nextBytes(b.length));
        ws.close();
    }

    @Test
    void textFrameInBinaryModeReachesStdinRawInsteadOfBeingDropped() throws Exception {
        EventSocket ws = EventSocket.connect(server.ws("/"));
        ws.send("grüße");
        byte[] expected = "grüße".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertArrayEquals(expected, ws.nextBytes(expected.length), "no newline is added in --binary mode");
        ws.close();
    }
}
