package io.procsocket.conformance;

import io.procsocket.testing.RawWebSocket;

import static io.procsocket.testing.RawWebSocket.BINARY;
import static io.procsocket.testing.RawWebSocket.CLOSE;
import static io.procsocket.testing.RawWebSocket.CONTINUATION;
import static io.procsocket.testing.RawWebSocket.PING;
import static io.procsocket.testing.RawWebSocket.PONG;
import static io.procsocket.testing.RawWebSocket.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.ReservedPaths;
import io.procsocket.testing.TesterServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 6455 cases replayed byte for byte by our own raw client against both WebSocket services the WAR
 * ships: the in-JVM echo endpoint and the gateway running {@code cat}. Each case asserts the exact echo
 * or close code the RFC requires. Where Tyrus does something else, the case is named for the
 * deviation and docs/CONFORMANCE.md explains it.
 */
class Rfc6455ConformanceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static TesterServer textServer;
    private static TesterServer binaryServer;

    /** Where a case is sent: every case runs against both the echo endpoint and the gateway. */
    enum Target {
        ECHO_ENDPOINT, GATEWAY_CAT;

        RawWebSocket open() throws IOException {
            return RawWebSocket.open(textServer.port(), this == ECHO_ENDPOINT ? ReservedPaths.ECHO : "/cat", TIMEOUT);
        }
    }

    @BeforeAll
    static void start() {
        textServer = TesterServer.start("--loglevel=none", "--echoendpoint", "cat");
        binaryServer = TesterServer.start("--loglevel=none", "--binary", "cat");
    }

    @AfterAll
    static void stop() {
        textServer.close();
        binaryServer.close();
    }

    // ---- framing lengths: 7-bit, 16-bit and 64-bit length encodings and their edges ----

    @ParameterizedTest
    @ValueSource(ints = {0, 125, 126, 127, 65535, 65536})
    void textOfEveryLengthEncodingIsEchoedByTheEchoEndpoint(int length) throws IOException {
        assertTextEcho(Target.ECHO_ENDPOINT, text(length));
    }

    /** cat is line based: the gateway adds the newline and strips it again, so the text comes back whole. */
    @ParameterizedTest
    @ValueSource(ints = {0, 125, 126, 127, 65535, 65536})
    void textOfEveryLengthEncodingIsEchoedByTheGateway(int length) throws IOException {
        assertTextEcho(Target.GATEWAY_CAT, text(length));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 125, 126, 127, 65535, 65536})
    void binaryOfEveryLengthEncodingIsEchoedByTheEchoEndpoint(int length) throws IOException {
        byte[] data = bytes(length);
        try (RawWebSocket ws = Target.ECHO_ENDPOINT.open()) {
            ws.send(BINARY, data);
            RawWebSocket.Frame f = ws.readFrame();
            assertEquals(BINARY, f.opcode());
            assertTrue(f.fin());
            assertArrayEquals(data, f.payload());
            assertCleanClose(ws);
        }
    }

    /**
     * In --binary mode each read of cat's stdout is one message, so a long echo may come back in several
     * messages; the bytes must be exact and in order. (An empty binary message writes nothing to stdin,
     * so there is nothing to echo: length 0 is covered by the echo endpoint only.)
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 125, 126, 127, 65535, 65536})
    void binaryOfEveryLengthEncodingIsEchoedByTheBinaryGateway(int length) throws IOException {
        byte[] data = bytes(length);
        try (RawWebSocket ws = RawWebSocket.open(binaryServer.port(), "/cat", TIMEOUT)) {
            ws.send(BINARY, data);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (got.size() < length) {
                RawWebSocket.Frame f = ws.readFrame();
                assertEquals(BINARY, f.opcode(), "frame kind");
                got.write(f.payload(), 0, f.payload().length);
            }
            assertArrayEquals(data, got.toByteArray());
            assertCleanClose(ws);
        }
    }

    // ---- ping / pong ----

    @ParameterizedTest
    @EnumSource(Target.class)
    void pingWithTheLargestAllowedPayloadIsAnsweredWithTheSamePayload(Target target) throws IOException {
        byte[] payload = bytes(125);
        try (RawWebSocket ws = target.open()) {
            ws.send(PING, payload);
            RawWebSocket.Frame pong = ws.readFrame();
            assertEquals(PONG, pong.opcode());
            assertArrayEquals(payload, pong.payload());
            assertCleanClose(ws);
        }
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void unsolicitedPongIsIgnored(Target target) throws IOException {
        try (RawWebSocket ws = target.open()) {
            ws.send(PONG, bytes(10));
            assertTextEchoOn(ws, "after-pong");
            assertCleanClose(ws);
        }
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void pingLongerThan125BytesIsAProtocolError(Target target) throws IOException {
        assertClosesWith(target, 1002, ws -> ws.send(PING, bytes(126)));
    }

    // ---- reserved bits and opcodes ----

    @ParameterizedTest
    @EnumSource(Target.class)
    void reservedBitsWithoutAnExtensionAreAProtocolError(Target target) throws IOException {
        for (int rsv : new int[] {1, 2, 4}) {
            assertClosesWith(target, 1002, ws -> ws.sendFrame(true, rsv, TEXT, "x".getBytes(), true));
        }
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void reservedOpcodesAreAProtocolError(Target target) throws IOException {
        for (int opcode : new int[] {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
            assertClosesWith(target, 1002, ws -> ws.send(opcode, new byte[0]));
        }
    }

    /**
     * RFC 6455 5.1: a server MUST close on an unmasked client frame. Tyrus 2.2.2 alone accepts it; our
     * ClientFrameMaskFilter enforces the rule in front of Tyrus (docs/CONFORMANCE.md). Also checked after
     * a valid frame, so the filter's frame tracking is exercised across frames.
     */
    @ParameterizedTest
    @EnumSource(Target.class)
    void unmaskedClientFrameIsAProtocolError(Target target) throws IOException {
        assertClosesWith(target, 1002, ws -> ws.sendFrame(true, 0, TEXT, "unmasked".getBytes(), false));
        try (RawWebSocket ws = target.open()) {
            assertTextEchoOn(ws, "m".repeat(70000));
            ws.sendFrame(true, 0, TEXT, "unmasked".getBytes(), false);
            assertEquals(1002, ws.awaitCloseCode());
        }
    }

    // ---- fragmentation ----

    @ParameterizedTest
    @EnumSource(Target.class)
    void fragmentsWithAPingBetweenThemAreReassembledAndThePingAnswered(Target target) throws IOException {
        try (RawWebSocket ws = target.open()) {
            ws.sendFrame(false, 0, TEXT, "Hel".getBytes(), true);
            ws.sendFrame(true, 0, PING, "mid".getBytes(), true);
            ws.sendFrame(false, 0, CONTINUATION, "lo, ".getBytes(), true);
            ws.sendFrame(true, 0, CONTINUATION, "world".getBytes(), true);
            RawWebSocket.Frame pong = ws.readFrame();
            assertEquals(PONG, pong.opcode());
            assertEquals("mid", pong.text());
            RawWebSocket.Frame echo = ws.readFrame();
            assertEquals(TEXT, echo.opcode());
            assertEquals("Hello, world", echo.text());
            assertCleanClose(ws);
        }
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void continuationWithoutAStartIsAProtocolError(Target target) throws IOException {
        assertClosesWith(target, 1002, ws -> ws.sendFrame(true, 0, CONTINUATION, "orphan".getBytes(), true));
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void newDataFrameInsideAFragmentedMessageIsAProtocolError(Target target) throws IOException {
        assertClosesWith(target, 1002, ws -> {
            ws.sendFrame(false, 0, TEXT, "first".getBytes(), true);
            ws.sendFrame(true, 0, TEXT, "second".getBytes(), true);
        });
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void fragmentedControlFrameIsAProtocolError(Target target) throws IOException {
        assertClosesWith(target, 1002, ws -> ws.sendFrame(false, 0, PING, "frag".getBytes(), true));
    }

    // ---- UTF-8 ----

    @ParameterizedTest
    @EnumSource(Target.class)
    void invalidUtf8InATextMessageClosesWith1007(Target target) throws IOException {
        // "κόσμε" followed by an encoded UTF-16 surrogate (ED A0 80), which UTF-8 forbids.
        byte[] bad = {(byte) 0xCE, (byte) 0xBA, (byte) 0xE1, (byte) 0xBD, (byte) 0xB9, (byte) 0xCF, (byte) 0x83,
                (byte) 0xCE, (byte) 0xBC, (byte) 0xCE, (byte) 0xB5, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        assertClosesWith(target, 1007, ws -> ws.send(TEXT, bad));
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void invalidUtf8InALaterFragmentClosesWith1007(Target target) throws IOException {
        assertClosesWith(target, 1007, ws -> {
            ws.sendFrame(false, 0, TEXT, "valid start ".getBytes(StandardCharsets.UTF_8), true);
            ws.sendFrame(true, 0, CONTINUATION, new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80}, true);
        });
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void aCharacterSplitAcrossFragmentsIsValid(Target target) throws IOException {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // E2 82 AC
        try (RawWebSocket ws = target.open()) {
            ws.sendFrame(false, 0, TEXT, new byte[] {euro[0]}, true);
            ws.sendFrame(true, 0, CONTINUATION, new byte[] {euro[1], euro[2]}, true);
            RawWebSocket.Frame echo = ws.readFrame();
            assertEquals("€", echo.text());
            assertCleanClose(ws);
        }
    }

    // ---- closing handshake ----

    @ParameterizedTest
    @EnumSource(Target.class)
    void validCloseCodesAreEchoed(Target target) throws IOException {
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
            try (RawWebSocket ws = target.open()) {
                ws.sendClose(code, "bye");
                assertEquals(code, ws.awaitCloseCode(), "reply to close code " + code);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void closeWithoutAStatusIsAnsweredWithoutAStatus(Target target) throws IOException {
        try (RawWebSocket ws = target.open()) {
            ws.send(CLOSE, new byte[0]);
            RawWebSocket.Frame reply = ws.awaitClose();
            assertEquals(CLOSE, reply.opcode());
            assertTrue(reply.payload().length == 0 || reply.closeCode() == 1000,
                    "an empty close is answered empty or with 1000, got " + reply.closeCode());
        }
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void invalidCloseCodesAreAProtocolError(Target target) throws IOException {
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 5000}) {
            assertClosesWith(target, 1002, ws -> ws.sendClose(code, ""), "close code " + code);
        }
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void oneByteClosePayloadIsAProtocolError(Target target) throws IOException {
        assertClosesWith(target, 1002, ws -> ws.send(CLOSE, new byte[] {0x03}));
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void closeReasonLongerThan123BytesIsAProtocolError(Target target) throws IOException {
        assertClosesWith(target, 1002, ws -> ws.sendClose(1000, "r".repeat(124)));
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void invalidUtf8InACloseReasonClosesWith1007(Target target) throws IOException {
        assertClosesWith(target, 1007, ws -> ws.send(CLOSE, new byte[] {0x03, (byte) 0xE8, (byte) 0xC0, (byte) 0xAF}));
    }

    // ---- helpers ----

    private interface Action {
        void run(RawWebSocket ws) throws IOException;
    }

    private static void assertClosesWith(Target target, int code, Action action) throws IOException {
        assertClosesWith(target, code, action, "");
    }

    private static void assertClosesWith(Target target, int code, Action action, String what) throws IOException {
        try (RawWebSocket ws = target.open()) {
            action.run(ws);
            assertEquals(code, ws.awaitCloseCode(), what);
            assertTrue(ws.awaitEof(), "the server closes the TCP connection after the close handshake");
        }
    }

    private static void assertTextEcho(Target target, String text) throws IOException {
        try (RawWebSocket ws = target.open()) {
            assertTextEchoOn(ws, text);
            assertCleanClose(ws);
        }
    }

    private static void assertTextEchoOn(RawWebSocket ws, String text) throws IOException {
        ws.sendText(text);
        RawWebSocket.Frame f = ws.readFrame();
        assertEquals(TEXT, f.opcode());
        assertTrue(f.fin(), "a whole message in one frame");
        assertEquals(0, f.rsv());
        assertTrue(!f.masked(), "server frames are never masked");
        assertEquals(text.length(), f.payload().length);
        assertEquals(text, f.text());
    }

    private static void assertCleanClose(RawWebSocket ws) throws IOException {
        ws.sendClose(1000, "");
        assertEquals(1000, ws.awaitCloseCode());
    }

    /** ASCII without newlines (cat is line based): the same characters at every length. */
    private static String text(int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = (char) ('a' + i % 26);
        }
        return new String(c);
    }

    private static byte[] bytes(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }
}
