package io.procsocket.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.parity.RawHttp;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upgrade requests that are not valid opening handshakes: each gets its real answer with a length and
 * Connection: close, the connection is closed, the refusal is logged, and nothing is kept for it (no ticket,
 * no slot, no program started).
 */
class BrokenHandshakeTest {
    private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    private static final String V13 = "Sec-WebSocket-Version: 13\r\n";
    private static final String UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n";

    @TempDir
    static Path dir;
    private static TesterServer server;
    private static Path started;

    @BeforeAll
    static void start() throws IOException {
        started = dir.resolve("started");
        Path script = TesterScripts.sh(dir, "mark.sh", "echo x >> '" + started + "'; exec cat");
        server = TesterServer.start(script.toString());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void nothingKept() {
        Bounded.noChildrenLeft(server.gateway());
        assertEquals(0, server.gateway().pending().size(), "no ticket kept for a refused handshake");
        assertFalse(Files.exists(started), "a refused handshake started the program");
    }

    static Stream<Arguments> brokenHandshakes() {
        String host = "Host: 127.0.0.1\r\n";
        return Stream.of(
                Arguments.of("no Sec-WebSocket-Key", "GET / HTTP/1.1\r\n" + host + UPGRADE + V13, 400),
                Arguments.of("a short key", "GET / HTTP/1.1\r\n" + host + UPGRADE + "Sec-WebSocket-Key: abc\r\n" + V13, 400),
                Arguments.of("version 8", "GET / HTTP/1.1\r\n" + host + UPGRADE + KEY + "Sec-WebSocket-Version: 8\r\n", 426),
                Arguments.of("no Connection: Upgrade", "GET / HTTP/1.1\r\n" + host + "Upgrade: websocket\r\n" + KEY + V13, 400),
                Arguments.of("a POST upgrade", "POST / HTTP/1.1\r\n" + host + UPGRADE + KEY + V13
                        + "Content-Length: 0\r\n", 405),
                Arguments.of("HTTP/1.0", "GET / HTTP/1.0\r\n" + host + UPGRADE + KEY + V13, 400),
                Arguments.of("two Host headers", "GET / HTTP/1.1\r\n" + host + "Host: evil\r\n" + UPGRADE + KEY + V13, 400),
                Arguments.of("a Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n" + UPGRADE + KEY + V13, 400),
                Arguments.of("a Host with a control byte", "GET / HTTP/1.1\r\nHost: a\u0001b\r\n" + UPGRADE + KEY + V13, 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenHandshakes")
    void aBrokenHandshakeGetsItsAnswerAndTheConnectionIsClosed(String what, String head, int status) throws Exception {
        try (TesterLog log = TesterLog.capture(); Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(RawHttp.TIMEOUT_MS);
            socket.getOutputStream().write((head + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            RawHttp.Reply reply = RawHttp.read(in);
            assertEquals(status, reply.status(), what + ": " + reply.body());
            assertNotNull(reply.header("Content-Length"), "a body length");
            assertEquals(Integer.parseInt(reply.header("Content-Length")), reply.body().getBytes(StandardCharsets.UTF_8).length);
            assertEquals("close", reply.header("Connection"));
            if (status == 426) {
                assertEquals("13", reply.header("Sec-WebSocket-Version"));
            }
            if (status == 405) {
                assertEquals("GET", reply.header("Allow"));
            }
            // Closed by the server at once, not left open for the client to time out.
            assertEquals(-1, in.read(), "the server closes the connection after its answer");
            log.await(l -> l.contains("| ACCESS |") && l.contains("BAD HANDSHAKE (" + status + ")"), Duration.ofSeconds(5));
        }
    }

    @Test
    void anUpgradeWithNoHostIsRefusedByTheCodecWithTheSameCare() throws Exception {
        // HTTP/1.1 requires Host: Grizzly's codec refuses it before our guard sees it, and answers as we would.
        try (TesterLog log = TesterLog.capture(); Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(RawHttp.TIMEOUT_MS);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\n" + UPGRADE + KEY + V13 + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            RawHttp.Reply reply = RawHttp.read(in);
            assertEquals(400, reply.status());
            assertNotNull(reply.header("Content-Length"));
            assertEquals("close", reply.header("Connection"));
            assertEquals(-1, in.read());
            log.await(l -> l.contains("| ACCESS |") && l.contains("BAD REQUEST"), Duration.ofSeconds(5));
        }
    }

    @Test
    void aValidHandshakeAfterAllThatStillRunsTheProgram() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(RawHttp.TIMEOUT_MS);
            socket.getOutputStream().write(RawHttp.upgradeRequest("/", "127.0.0.1", "").getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(101, RawHttp.read(socket.getInputStream()).status());
            Bounded.await("the program started", Duration.ofSeconds(10), () -> Files.exists(started));
        }
        Bounded.noChildrenLeft(server.gateway());
        Files.delete(started);
    }
}
