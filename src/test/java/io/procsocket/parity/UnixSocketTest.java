package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --unixsocket as websocketd main has it: served end to end on the same stack, the environment websocketd gives
 * a Unix-socket peer, a stale socket file replaced, a live one refused and left serving, the file gone at
 * shutdown, the process's umask on the file.
 */
class UnixSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Path envScript() throws Exception {
        return TesterScripts.sh(dir, "env.sh", "echo \"REMOTE_ADDR=$REMOTE_ADDR REMOTE_HOST=$REMOTE_HOST REMOTE_PORT=$REMOTE_PORT"
                + " SERVER_PORT=$SERVER_PORT HTTP_HOST=$HTTP_HOST\"; exec cat");
    }

    private static List<String> texts(RawWebSocket ws, int n) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(ws.readFrame().text());
        }
        return out;
    }

    @Test
    void aUnixSocketIsServedEndToEndAndTheProgramSeesWebsocketdsEnvironment() throws Exception {
        Path sock = dir.resolve("ws.sock");
        try (TesterServer server = TesterServer.startUnixOnly(sock, envScript().toString())) {
            assertEquals(-1, server.port(), "no TCP listener without --port or --address");
            try (RawWebSocket ws = RawWebSocket.openUnix(sock, "localhost", "/", WAIT)) {
                assertEquals("REMOTE_ADDR=unknown_host REMOTE_HOST=unknown_host REMOTE_PORT= SERVER_PORT=80"
                        + " HTTP_HOST=localhost", ws.readFrame().text());
                ws.sendText("over the unix socket");
                assertEquals(List.of("over the unix socket"), texts(ws, 1));
                ws.sendClose(1000, "");
                assertEquals(1000, ws.awaitCloseCode());
            }
            Bounded.noChildrenLeft(server.gateway());
        }
        assertFalse(Files.exists(sock), "the socket file is removed at shutdown");
    }

    @Test
    void plainHttpOverTheUnixSocketWithCurlAsAProxyWould() throws Exception {
        Path sock = dir.resolve("http.sock");
        try (TesterServer server = TesterServer.startUnixOnly(sock, "--devconsole", "cat")) {
            Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                    "--unix-socket", sock.toString(), "http://localhost/console").redirectErrorStream(true).start();
            String code = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(curl.waitFor(20, TimeUnit.SECONDS), "curl finished");
            assertEquals("200", code, "curl (installed by .ci/install-deps) fetched the console over the socket");
        }
    }

    /** One shared program for a TCP and a Unix client: its frames reach both through their own connections. */
    @Test
    void aSharedProgramServesTcpAndUnixClientsAlike() throws Exception {
        Path sock = dir.resolve("shared.sock");
        try (TesterServer server = TesterServer.start("--unixsocket=" + sock, "--shared", "cat");
             RawWebSocket tcp = RawWebSocket.open(server.port(), "/", WAIT);
             RawWebSocket unix = RawWebSocket.openUnix(sock, "localhost", "/", WAIT)) {
            io.procsocket.gateway.Bounded.await("both joined", WAIT, () -> server.gateway().sharedClients() == 2);
            unix.sendText("from unix");
            assertEquals("from unix", tcp.readFrame().text());
            assertEquals("from unix", unix.readFrame().text());
            tcp.sendText("from tcp");
            assertEquals("from tcp", unix.readFrame().text());
            assertEquals("from tcp", tcp.readFrame().text());
        }
    }

    @Test
    void withPortOrAddressTooBothAreServed() throws Exception {
        Path sock = dir.resolve("both.sock");
        try (TesterServer server = TesterServer.start("--unixsocket=" + sock, "cat")) {
            try (RawWebSocket tcp = RawWebSocket.open(server.port(), "/", WAIT);
                 RawWebSocket unix = RawWebSocket.openUnix(sock, "localhost", "/", WAIT)) {
                tcp.sendText("tcp");
                unix.sendText("unix");
                assertEquals("tcp", tcp.readFrame().text());
                assertEquals("unix", unix.readFrame().text());
            }
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void aStaleSocketFileLeftByADeadServerIsReplaced() throws Exception {
        Path sock = dir.resolve("stale.sock");
        // A server that died without removing its file: bound, then closed (close leaves the file).
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(sock));
        }
        assertTrue(Files.exists(sock));
        try (TesterServer server = TesterServer.startUnixOnly(sock, "cat");
             RawWebSocket ws = RawWebSocket.openUnix(sock, "localhost", "/", WAIT)) {
            ws.sendText("replaced");
            assertEquals("replaced", ws.readFrame().text());
        }
    }

    @Test
    void aSocketALiveServerListensOnIsRefusedAndLeftServing() throws Exception {
        Path sock = dir.resolve("live.sock");
        Path first = TesterScripts.sh(dir, "first.sh", "echo incumbent; exec cat");
        try (TesterServer incumbent = TesterServer.startUnixOnly(sock, first.toString())) {
            UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                    () -> TesterServer.startUnixOnly(sock, "cat").close());
            assertEquals("listen unix " + sock + ": bind: address already in use", refused.getCause().getMessage());
            assertTrue(Files.exists(sock), "the incumbent's socket file was left alone");
            try (RawWebSocket ws = RawWebSocket.openUnix(sock, "localhost", "/", WAIT)) {
                assertEquals("incumbent", ws.readFrame().text(), "the socket still belongs to the first server");
            }
            Bounded.noChildrenLeft(incumbent.gateway());
        }
    }

    @Test
    void theSocketFileGetsTheProcesssUmask() throws Exception {
        Path sock = dir.resolve("mode.sock");
        Path probe = Files.createFile(dir.resolve("umask-probe"));
        int fileMode = (Integer) Files.getAttribute(probe, "unix:mode") & 0777;
        try (TesterServer server = TesterServer.startUnixOnly(sock, "cat")) {
            int socketMode = (Integer) Files.getAttribute(sock, "unix:mode") & 0777;
            // A new file gets 0666 & ~umask, a socket 0777 & ~umask: the same bits where both can have them.
            assertEquals(fileMode, socketMode & 0666, Integer.toOctalString(socketMode));
        }
    }
}
