package io.procsocket.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.procsocket.gateway.Bounded;
import io.procsocket.parity.RawHttp;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-JVM echo endpoint is not a back door: off unless asked for, and when on, admitted like a program
 * (Origin rules, the --maxforks limit, the access log) with the same message limit. No spelling of the
 * reserved prefix reaches a program.
 */
class EchoEndpointAdmissionTest {
    private static final Map<String, String> GOOD = Map.of("Origin", "http://good.example");

    @TempDir
    Path dir;

    @Test
    void theEchoEndpointIsOffUnlessAskedForAndNoSpellingOfTheReservedPrefixRunsTheProgram() throws Exception {
        Path started = dir.resolve("started");
        Path script = TesterScripts.sh(dir, "mark.sh", "echo x >> '" + started + "'; exec cat");
        try (TesterServer server = TesterServer.start(script.toString())) {
            for (String path : new String[] {"/.procsocket/echo", "/%2Eprocsocket/echo", "/%2eprocsocket/echo",
                    "/.procsocket%2Fecho", "/.procsocket/gateway/abc", "/.procsocket/echo-session/abc", "/.procsocket/"}) {
                assertEquals(404, RawHttp.upgrade(server.port(), path, "").status(), path);
            }
            // Unclean spellings are first redirected to the clean one (as websocketd's Go server does), which is 404.
            for (String path : new String[] {"//.procsocket/echo", "/x/..%2F.procsocket/echo", "/./.procsocket/echo"}) {
                RawHttp.Reply moved = RawHttp.upgrade(server.port(), path, "");
                assertEquals(301, moved.status(), path);
                assertEquals("/.procsocket/echo", moved.header("Location"), path);
            }
            assertFalse(Files.exists(started), "a reserved path reached the program");
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void whenOnItObeysTheOriginRules() throws Exception {
        try (TesterServer server = TesterServer.start("--echoendpoint", "--origin=good.example", "cat")) {
            assertEquals(403, RawHttp.upgrade(server.port(), "/.procsocket/echo", "Origin: http://evil.example\r\n").status());
            assertEquals(403, RawHttp.upgrade(server.port(), "/.procsocket/echo", "").status(), "no Origin");
            EventSocket ok = EventSocket.connect(server.ws("/.procsocket/echo"), GOOD);
            ok.send("hi");
            assertEquals("hi", ok.nextText());
            ok.close();
            ok.awaitClose();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void echoConnectionsCountAgainstMaxforksAndAreLogged() throws Exception {
        try (TesterLog log = TesterLog.capture();
             TesterServer server = TesterServer.start("--echoendpoint", "--maxforks=2", "cat")) {
            EventSocket echo = EventSocket.connect(server.ws("/.procsocket/echo"));
            log.await(l -> l.contains("| ACCESS |") && l.contains("command:'echo endpoint'") && l.endsWith("CONNECT"),
                    Duration.ofSeconds(5));
            EventSocket program = EventSocket.connect(server.ws("/"));
            program.send("p");
            assertEquals("p", program.nextText());
            assertEquals(429, RawHttp.upgrade(server.port(), "/.procsocket/echo", "").status());
            assertEquals(429, RawHttp.upgrade(server.port(), "/", "").status());
            echo.close();
            echo.awaitClose();
            log.await(l -> l.contains("command:'echo endpoint'") && l.endsWith("DISCONNECT"), Duration.ofSeconds(5));
            // The slot is back: another echo fits.
            Bounded.await("slot returned", Duration.ofSeconds(5), () -> server.gateway().forks().running() == 1);
            EventSocket again = EventSocket.connect(server.ws("/%2Eprocsocket/echo"));
            again.send("again");
            assertEquals("again", again.nextText());
            again.close();
            program.close();
            again.awaitClose();
            program.awaitClose();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void itsMessageLimitFollowsMaxframesizeForSingleFramesAndFragmentsAlike() throws Exception {
        try (TesterServer server = TesterServer.start("--echoendpoint", "--maxframesize=1000", "cat")) {
            EventSocket whole = EventSocket.connect(server.ws("/.procsocket/echo"));
            whole.send("a".repeat(1000));
            assertEquals("a".repeat(1000), whole.nextText());
            whole.send("b".repeat(1001));
            assertEquals(1009, whole.awaitClose().getCloseCode().getCode());

            EventSocket fragmented = EventSocket.connect(server.ws("/.procsocket/echo"));
            fragmented.session().getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[600]), false);
            fragmented.session().getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[600]), true);
            assertEquals(1009, fragmented.awaitClose().getCloseCode().getCode());
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void aSixteenMebibyteFrameIsRefusedWith1009AtTheDefaultLimitWithoutBeingSent() throws Exception {
        try (TesterServer server = TesterServer.start("--echoendpoint", "cat");
             RawWebSocket ws = RawWebSocket.open(server.port(), "/.procsocket/echo", Duration.ofSeconds(10))) {
            // Only the header of a 16 MiB frame: the refusal cannot depend on receiving (or buffering) its payload.
            ws.sendRaw(new byte[] {(byte) 0x82, (byte) 0xFF, 0, 0, 0, 0, 1, 0, 0, 0, 1, 2, 3, 4});
            assertEquals(1009, ws.awaitCloseCode());
            Bounded.noChildrenLeft(server.gateway());
        }
    }
}
