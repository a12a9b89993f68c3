package io.procsocket.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Frames that arrive in pieces of any size, and several frames in one piece: the standalone server holds a frame
 * back until it is whole and unmasks it itself before Tyrus parses it. Whatever the cut, what comes back is
 * exactly what was sent, in order, and control frames between fragments are answered in place.
 */
class MessagesInPiecesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aLargeTextMessageInSmallTcpWritesEchoesExactly() throws Exception {
        Random random = new Random(17);
        String text = text(random, 300_000);
        try (TesterServer server = TesterServer.start("--echoendpoint", "cat");
             RawWebSocket ws = RawWebSocket.open(server.port(), "/.procsocket/echo", WAIT)) {
            for (int round = 0; round < 3; round++) {
                ws.sendInPieces(RawWebSocket.frame(true, 0, RawWebSocket.TEXT, utf8(text), true), 1, 2048, random);
                RawWebSocket.Frame echo = ws.readFrame();
                assertEquals(RawWebSocket.TEXT, echo.opcode());
                assertEquals(text, echo.text());
            }
        }
    }

    @Test
    void aLargeLineInSmallTcpWritesReachesTheProgramWhole() throws Exception {
        Random random = new Random(23);
        String line = text(random, 200_000);
        try (TesterServer server = TesterServer.start("cat");
             RawWebSocket ws = RawWebSocket.open(server.port(), "/", WAIT)) {
            ws.sendInPieces(RawWebSocket.frame(true, 0, RawWebSocket.TEXT, utf8(line), true), 64, 2048, random);
            assertEquals(line, ws.readFrame().text());
        }
    }

    @Test
    void manyFramesInOnePieceAndOneCutAnywhereComeBackInOrder() throws Exception {
        Random random = new Random(29);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int count = 200;
        for (int i = 0; i < count; i++) {
            byte[] payload = new byte[1 + random.nextInt(300)];
            random.nextBytes(payload);
            payload[0] = (byte) i;
            stream.writeBytes(RawWebSocket.frame(true, 0, RawWebSocket.BINARY, payload, true));
        }
        byte[] all = stream.toByteArray();
        try (TesterServer server = TesterServer.start("--echoendpoint", "cat");
             RawWebSocket ws = RawWebSocket.open(server.port(), "/.procsocket/echo", WAIT)) {
            // Cuts of 1..7 bytes land inside headers and masking keys; larger ones inside payloads and between frames.
            ws.sendInPieces(all, 1, 7, random);
            ws.sendInPieces(all, 500, 5000, random);
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < count; i++) {
                    RawWebSocket.Frame f = ws.readFrame();
                    assertEquals(RawWebSocket.BINARY, f.opcode());
                    assertEquals((byte) i, f.payload()[0], "frame " + i + " of pass " + pass);
                }
            }
        }
    }

    @Test
    void aPingBetweenFragmentsIsAnsweredAndTheMessageComesBackWhole() throws Exception {
        byte[] hello = utf8("héllo wörld");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(RawWebSocket.frame(false, 0, RawWebSocket.TEXT, java.util.Arrays.copyOfRange(hello, 0, 3), true));
        stream.writeBytes(RawWebSocket.frame(true, 0, RawWebSocket.PING, utf8("are you there"), true));
        stream.writeBytes(RawWebSocket.frame(false, 0, RawWebSocket.CONTINUATION,
                java.util.Arrays.copyOfRange(hello, 3, 7), true));
        stream.writeBytes(RawWebSocket.frame(true, 0, RawWebSocket.CONTINUATION,
                java.util.Arrays.copyOfRange(hello, 7, hello.length), true));
        try (TesterServer server = TesterServer.start("--echoendpoint", "cat");
             RawWebSocket ws = RawWebSocket.open(server.port(), "/.procsocket/echo", WAIT)) {
            ws.sendInPieces(stream.toByteArray(), 1, 5, new Random(31));
            RawWebSocket.Frame pong = ws.readFrame();
            assertEquals(RawWebSocket.PONG, pong.opcode());
            assertArrayEquals(utf8("are you there"), pong.payload());
            assertEquals("héllo wörld", ws.readFrame().text());
        }
    }

    /**
     * Clients that each leave a large frame half sent, then vanish: the server keeps what they sent only while they
     * are there (bounded by --maxframesize each), serves others meanwhile, and holds none of it once they are gone.
     */
    @Test
    void halfSentLargeFramesAreHeldOnlyWhileTheirClientsAreThere() throws Exception {
        int declared = 8 << 20;
        int sent = 4 << 20;
        byte[] head = {(byte) 0x82, (byte) (0x80 | 127), 0, 0, 0, 0, (byte) (declared >>> 24), (byte) (declared >>> 16),
                (byte) (declared >>> 8), (byte) declared, 1, 2, 3, 4};
        byte[] body = new byte[sent];
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        try (TesterServer server = TesterServer.start("--echoendpoint", "--maxframesize=" + (16 << 20), "cat")) {
            long before = usedAfterGc(memory);
            java.util.List<RawWebSocket> halfSent = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    RawWebSocket ws = RawWebSocket.open(server.port(), "/.procsocket/echo", WAIT);
                    halfSent.add(ws);
                    ws.sendRaw(head);
                    ws.sendRaw(body);
                }
                // What they sent is in the server's heap (which is what makes the check below able to fail).
                io.procsocket.gateway.Bounded.await("the half-sent frames to be read", WAIT,
                        () -> usedAfterGc(memory) > before + (64L << 20));
                try (RawWebSocket other = RawWebSocket.open(server.port(), "/.procsocket/echo", WAIT)) {
                    other.sendText("still served");
                    assertEquals("still served", other.readFrame().text());
                }
            } finally {
                for (RawWebSocket ws : halfSent) {
                    ws.abort();
                }
            }
            // 20 × 4 MiB were held; once their clients are gone all of it must be collectable.
            io.procsocket.gateway.Bounded.await("the half-sent frames to be freed", WAIT,
                    () -> usedAfterGc(memory) < before + (32L << 20));
        }
    }

    private static long usedAfterGc(java.lang.management.MemoryMXBean memory) {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /**
     * A client that sends its first frame in the same write as its handshake (whole, or its first 20 bytes with the
     * rest in two more writes): Tyrus 2.2.2 alone closed such a client with 1002; the frame must come back.
     */
    @Test
    void aFrameSentInTheHandshakesOwnWriteEchoesWholeOrInPieces() throws Exception {
        byte[] frame = RawWebSocket.frame(true, 0, RawWebSocket.TEXT, utf8("x".repeat(100)), true);
        try (TesterServer server = TesterServer.start("--echoendpoint", "cat")) {
            for (int split : new int[] {frame.length, 20}) {
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout((int) WAIT.toMillis());
                    String handshake = "GET /.procsocket/echo HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n"
                            + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
                    java.io.OutputStream out = socket.getOutputStream();
                    java.io.InputStream in = socket.getInputStream();
                    out.write(concat(utf8(handshake), java.util.Arrays.copyOfRange(frame, 0, split)));
                    out.flush();
                    String head = readHead(in);
                    assertEquals("HTTP/1.1 101", head.substring(0, 12), head);
                    if (split < frame.length) {
                        out.write(java.util.Arrays.copyOfRange(frame, split, 60));
                        out.flush();
                        out.write(java.util.Arrays.copyOfRange(frame, 60, frame.length));
                        out.flush();
                    }
                    byte[] echo = in.readNBytes(2 + 100);
                    assertEquals(0x81, echo[0] & 0xFF, "a text frame, split at " + split);
                    assertEquals(100, echo[1]);
                    assertEquals("x".repeat(100), new String(echo, 2, 100, StandardCharsets.UTF_8));
                }
            }
        }
    }

    private static String readHead(java.io.InputStream in) throws java.io.IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("closed in the response head: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Text with one-, two- and three-byte UTF-8 characters, and no newline (one line for the gateway). */
    private static String text(Random random, int chars) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 éüß€漢字";
        StringBuilder b = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
