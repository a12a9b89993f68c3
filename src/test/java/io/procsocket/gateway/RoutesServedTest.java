package io.procsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.parity.RawHttp;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A routes file served end to end: routes with different settings side by side in one server. */
class RoutesServedTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TOKEN = "admin-token";

    @TempDir
    static Path dir;
    private static TesterServer server;

    @BeforeAll
    static void start() throws Exception {
        TesterScripts.sh(dir, "env.sh", "echo \"$GREETING|$SCRIPT_NAME|$PATH_INFO|$REMOTE_USER\"; read x");
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(dir.resolve("admin.tokens"), digest + "  root\n");
        Path yaml = Files.writeString(dir.resolve("routes.yaml"), """
                maxframesize: 4096
                routes:
                  - path: /hello
                    command: ./env.sh
                    env: {GREETING: hi from the file}
                    header-ws: ["X-Route: hello"]
                  - path: /bin/
                    command: cat
                    binary: true
                  - path: /admin/
                    command: ./env.sh
                    bearer: admin.tokens
                    env: {GREETING: admin}
                  - path: /one
                    command: [sleep, "30"]
                    maxforks: 1
                """);
        server = TesterServer.start("--config=" + yaml);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawWebSocket open(String path, String headers) throws Exception {
        return RawWebSocket.open(server.port(), path, WAIT, 0, headers);
    }

    @Test
    void anExactRouteRunsItsCommandWithItsOwnEnvironmentAndHeaders() throws Exception {
        try (RawWebSocket ws = open("/hello", "")) {
            assertEquals("hi from the file|/hello||", ws.readFrame().text());
            assertTrue(ws.responseHead().contains("X-Route: hello"), ws.responseHead());
        }
    }

    @Test
    void aPrefixRouteServesEverythingBelowItInItsOwnMode() throws Exception {
        try (RawWebSocket ws = open("/bin/any/thing", "")) {
            assertFalse(ws.responseHead().contains("X-Route"), "headers are the route's own");
            byte[] bytes = {0, (byte) 0xFF, '\n', 7};
            ws.send(RawWebSocket.BINARY, bytes);
            RawWebSocket.Frame f = ws.readFrame();
            assertEquals(RawWebSocket.BINARY, f.opcode(), "binary: this route's setting, not the others'");
            assertArrayEquals(bytes, f.payload());
        }
    }

    @Test
    void aRouteWithItsOwnLoginRefusesStrangersWhileTheOthersStayOpen() throws Exception {
        assertEquals(401, RawHttp.upgrade(server.port(), "/admin/x", "").status());
        try (RawWebSocket ws = open("/admin/x", "Authorization: Bearer " + TOKEN + "\r\n")) {
            assertEquals("admin|/admin|/x|root", ws.readFrame().text());
        }
        try (RawWebSocket ws = open("/hello", "")) {
            assertEquals("hi from the file|/hello||", ws.readFrame().text(), "no login needed here");
        }
    }

    @Test
    void aRoutesMaxforksIsItsOwnWithinTheServers() throws Exception {
        try (RawWebSocket first = open("/one", "")) {
            assertEquals(429, RawHttp.upgrade(server.port(), "/one", "").status());
            try (RawWebSocket other = open("/hello", "")) {
                assertEquals("hi from the file|/hello||", other.readFrame().text(), "other routes still admit");
            }
        }
    }

    @Test
    void aPathNoRouteServesIs404() throws Exception {
        assertEquals(404, RawHttp.upgrade(server.port(), "/nothing", "").status());
        assertEquals(404, RawHttp.upgrade(server.port(), "/hello/below", "").status(), "an exact route is exact");
    }

    @Test
    void eachRoutesMaxframesizeHolds() throws Exception {
        try (RawWebSocket ws = open("/bin/", "")) {
            ws.send(RawWebSocket.BINARY, new byte[5000]);
            assertEquals(1009, ws.awaitCloseCode());
        }
    }
}
