package io.procsocket.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import jakarta.websocket.CloseReason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile or careless clients against the gateway: each ending is the right close frame, and no one else is hurt. */
class ConnectionEndingsTest {
    @TempDir
    Path dir;

    @Test
    void aBinaryFrameToATextModeProgramIsWrittenToItsStdinAsItIs() throws Exception {
        try (TesterServer server = TesterServer.start("cat")) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            ws.send(ByteBuffer.wrap("from a file\nsecond line\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals("from a file", ws.nextText());
            assertEquals("second line", ws.nextText());
            // The connection carries on as before.
            ws.send("typed");
            assertEquals("typed", ws.nextText());
            ws.close();
            assertEquals(1000, ws.awaitClose().getCloseCode().getCode());
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void aSingleFrameOverMaxframesizeIs1009FromItsHeaderAndTheOthersCarryOn() throws Exception {
        try (TesterLog log = TesterLog.capture(); TesterServer server = TesterServer.start("--maxframesize=1000", "cat");
             RawWebSocket big = RawWebSocket.open(server.port(), "/", Duration.ofSeconds(10))) {
            EventSocket other = EventSocket.connect(server.ws("/"));
            // The header of a 1 GiB frame and nothing else: refused at once, with no payload to buffer.
            big.sendRaw(new byte[] {(byte) 0x81, (byte) 0xFF, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4});
            RawWebSocket.Frame close = big.awaitClose();
            assertEquals(1009, close.closeCode());
            log.await(l -> l.contains("message of 1073741824 bytes over --maxframesize 1000"), Duration.ofSeconds(5));
            other.send("still here");
            assertEquals("still here", other.nextText());
            other.close();
            other.awaitClose();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    /**
     * The hazard: closing the socket while the client is still sending the rest of the message that was refused
     * leaves its bytes unread, so the server's kernel answers with RST, and the client's kernel may throw away the
     * close frame before the client reads it (a browser then reports 1006). The server lingers instead: output shut
     * after the close frame, the rest read and dropped until the client closes.
     */
    @Test
    void aClientStillSendingItsTooBigMessageGetsThe1009NotAReset() throws Exception {
        try (TesterServer server = TesterServer.start("--maxframesize=1024", "cat");
             RawWebSocket raw = RawWebSocket.open(server.port(), "/", Duration.ofSeconds(10))) {
            // Far more than loopback's socket buffers hold: most of it is sent after the server has refused it.
            raw.send(RawWebSocket.TEXT, new byte[16 << 20]);
            assertEquals(1009, raw.awaitCloseCode());
            EventSocket other = EventSocket.connect(server.ws("/"));
            other.send("still served");
            assertEquals("still served", other.nextText());
            other.close();
        }
    }

    /**
     * The other side of lingering: a client that is refused and then says nothing more, and never closes, does not
     * hold the connection open. It reads the 1009 and the server's FIN at once, and the server lets go of its side
     * within its close-handshake bound (5 s), after which the client's writes are refused.
     */
    @Test
    void aRefusedClientThatNeverClosesIsLetGoWithinTheLinger() throws Exception {
        try (TesterServer server = TesterServer.start("--maxframesize=1024", "cat");
             RawWebSocket raw = RawWebSocket.open(server.port(), "/", Duration.ofSeconds(10))) {
            // A masked text frame header announcing 1 MiB, and nothing of its payload.
            raw.sendRaw(new byte[] {(byte) 0x81, (byte) (0x80 | 127), 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4});
            assertEquals(1009, raw.awaitCloseCode());
            assertTrue(raw.awaitEof(), "the server shut its output after the close frame");
            Bounded.await("the server closed its side too", Duration.ofSeconds(15), () -> {
                try {
                    raw.sendRaw(new byte[64]);
                    return false;
                } catch (java.io.IOException e) {
                    return true;
                }
            });
            EventSocket other = EventSocket.connect(server.ws("/"));
            other.send("still served");
            assertEquals("still served", other.nextText());
            other.close();
        }
    }

    @Test
    void aFailedLaunchTellsTheClientTheErrnoButNotTheServersPaths() throws Exception {
        Path scripts = dir.resolve("scripts-" + System.nanoTime());
        java.nio.file.Files.createDirectories(scripts);
        java.nio.file.Files.writeString(scripts.resolve("broken.sh"), "#!/nonexistent/interpreter\n");
        java.nio.file.Files.setPosixFilePermissions(scripts.resolve("broken.sh"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TesterLog log = TesterLog.capture(); TesterServer server = TesterServer.start("--dir=" + scripts)) {
            EventSocket ws = EventSocket.connect(server.ws("/broken.sh"));
            CloseReason reason = ws.awaitClose();
            assertEquals(1011, reason.getCloseCode().getCode());
            assertEquals("launch failed: ENOENT", reason.getReasonPhrase());
            assertFalse(reason.getReasonPhrase().contains(scripts.toString()));
            // The operator still gets the whole story.
            String line = log.await(l -> l.contains("Could not launch process"), Duration.ofSeconds(5));
            assertTrue(line.contains(scripts.resolve("broken.sh").toString()), line);
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void aScriptThatWritesQuotesAndEscapesToStderrCannotForgeLogLines() throws Exception {
        Path script = TesterScripts.sh(dir, "forge.sh",
                "printf 'real\\rFORGED | ACCESS | session | remote:\\047x\\047\\033[2J\\n' >&2; exec cat");
        try (TesterLog log = TesterLog.capture(); TesterServer server = TesterServer.start(script.toString())) {
            EventSocket ws = EventSocket.connect(server.ws("/"), java.util.Map.of("Origin", "http://o.example' remote:'6.6.6.6"));
            String connect = log.await(l -> l.endsWith("| CONNECT"), Duration.ofSeconds(10));
            assertTrue(connect.contains("origin:'http://o.example\\' remote:\\'6.6.6.6'"), connect);
            String line = log.await(l -> l.contains("| stderr"), Duration.ofSeconds(10));
            assertTrue(line.contains("real\\rFORGED") && line.contains("\\x1b[2J"), line);
            ws.close();
            ws.awaitClose();
            Bounded.noChildrenLeft(server.gateway());
        }
    }
}
