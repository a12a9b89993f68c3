package io.procsocket.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procsocket.config.LogLevel;
import io.procsocket.log.GatewayLevel;
import io.procsocket.parity.RawHttp;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.Htpasswd;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health probes through a real server: start-up (the states before it is ready, from the same function the
 * server answers with), normal service, and shutdown. A probe starts no program, takes no fork slot, needs no
 * credentials, and says nothing at the default log level.
 */
class HealthTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void bothProbesAreUpWhileTheOneForkSlotIsTakenAndStartNoProgram() throws Exception {
        Path starts = dir.resolve("starts");
        Files.createFile(starts);
        Path script = TesterScripts.sh(dir, "tool.sh", "echo started >> '" + starts + "'\necho hello\nexec cat");
        try (TesterServer server = TesterServer.start("--maxforks=1", script.toString());
             EventSocket ws = EventSocket.connect(server.ws("/"))) {
            assertEquals("hello", ws.nextText());
            // The one slot is taken: another upgrade is refused, the probes are not.
            assertEquals(429, RawHttp.upgrade(server.port(), "/", "").status());
            for (int i = 0; i < 3; i++) {
                RawHttp.Reply ready = RawHttp.get(server.port(), Health.READY);
                assertEquals(200, ready.status(), ready.body());
                assertEquals("application/json", ready.header("Content-Type"));
                assertEquals("no-store", ready.header("Cache-Control"));
                JsonNode r = JSON.readTree(ready.body());
                assertEquals("UP", r.get("status").asText());
                assertEquals(List.of("process-backend", "listeners", "shutdown"), names(r));
                for (JsonNode check : r.get("checks")) {
                    assertEquals("UP", check.get("status").asText(), check.toString());
                }
                assertTrue(Set.of("native", "portable").contains(check(r, "process-backend").at("/data/backend").asText()));
                assertEquals(1, check(r, "listeners").at("/data/listeners").asInt());
                assertFalse(check(r, "shutdown").at("/data/shuttingDown").asBoolean());

                RawHttp.Reply live = RawHttp.get(server.port(), Health.LIVE);
                assertEquals(200, live.status(), live.body());
                assertEquals("application/json", live.header("Content-Type"));
                JsonNode l = JSON.readTree(live.body());
                assertEquals("UP", l.get("status").asText());
                assertEquals(List.of("server"), names(l));
            }
            assertEquals(List.of("started"), Files.readAllLines(starts), "only the WebSocket client's program ran");
            assertEquals(1, server.gateway().liveChildren());
        }
    }

    @Test
    void headAnswersWithoutABodyAndOtherMethodsGet405() throws Exception {
        try (TesterServer server = TesterServer.start("cat")) {
            int length = RawHttp.get(server.port(), Health.READY).body().length();
            RawHttp.Reply head = RawHttp.exchange(server.port(), "HEAD " + Health.READY + " HTTP/1.1\r\nHost: 127.0.0.1:"
                    + server.port() + "\r\nConnection: close\r\n\r\n");
            assertEquals(200, head.status());
            assertEquals("", head.body());
            assertEquals(Integer.toString(length), head.header("Content-Length"));
            for (String path : List.of(Health.READY, Health.LIVE)) {
                RawHttp.Reply post = RawHttp.exchange(server.port(), "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:"
                        + server.port() + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                assertEquals(405, post.status(), path);
                assertEquals("GET, HEAD", post.header("Allow"));
            }
        }
    }

    @Test
    void probesNeedNoCredentialsWhateverBasicauthAndTheConsoleSay() throws Exception {
        Path users = dir.resolve("users");
        Htpasswd.run("-B", "-b", "-c", users.toString(), "alice", "wonder land");
        try (TesterServer server = TesterServer.start("--basicauth=" + users, "--devconsole", "cat")) {
            assertEquals(401, RawHttp.get(server.port(), "/").status(), "the console asks");
            assertEquals(200, RawHttp.get(server.port(), Health.READY).status());
            RawHttp.Reply live = RawHttp.get(server.port(), Health.LIVE);
            assertEquals(200, live.status());
            assertEquals("UP", JSON.readTree(live.body()).get("status").asText());
        }
    }

    @Test
    void probesAreDebugLinesSoTheDefaultLevelSaysNothing() throws Exception {
        try (TesterServer server = TesterServer.start("cat")) {
            try (TesterLog quiet = TesterLog.capture(GatewayLevel.of(LogLevel.ACCESS))) {
                assertEquals(200, RawHttp.get(server.port(), Health.READY).status());
                assertEquals(200, RawHttp.get(server.port(), Health.LIVE).status());
                // Logged (or not) before the answer is written, on the thread that answered: nothing more can come.
                assertEquals(List.of(), quiet.lines());
                // The same logger at the same level still writes what a client's plain request says.
                assertEquals(404, RawHttp.get(server.port(), "/nothing-here").status());
                quiet.await(line -> line.contains("NOT FOUND"), Duration.ofSeconds(5));
            }
            try (TesterLog all = TesterLog.capture()) {
                assertEquals(200, RawHttp.get(server.port(), Health.READY).status());
                String line = all.await(l -> l.contains("HEALTH ready: UP"), Duration.ofSeconds(5));
                assertTrue(line.contains(" | DEBUG  | http "), line);
            }
        }
    }

    @Test
    void readinessGoesDownWhenShutdownBeginsWhileLivenessStaysUp() throws Exception {
        TesterServer server = TesterServer.start("cat");
        int port = server.port();
        try {
            assertEquals(200, RawHttp.get(port, Health.READY).status());
            // close() begins with this step; the listener is still serving until the next.
            server.gateway().beginShutdown();
            RawHttp.Reply ready = RawHttp.get(port, Health.READY);
            assertEquals(503, ready.status(), ready.body());
            assertEquals("application/json", ready.header("Content-Type"));
            JsonNode r = JSON.readTree(ready.body());
            assertEquals("DOWN", r.get("status").asText());
            assertEquals("DOWN", check(r, "shutdown").get("status").asText());
            assertTrue(check(r, "shutdown").at("/data/shuttingDown").asBoolean());
            assertEquals("UP", check(r, "process-backend").get("status").asText());
            RawHttp.Reply live = RawHttp.get(port, Health.LIVE);
            assertEquals(200, live.status(), live.body());
            JsonNode l = JSON.readTree(live.body());
            assertEquals("UP", l.get("status").asText());
            assertTrue(l.at("/checks/0/data/shuttingDown").asBoolean());
        } finally {
            server.close();
        }
        assertThrows(ConnectException.class, () -> RawHttp.get(port, Health.LIVE), "nothing answers once stopped");
    }

    /** Start-up: before the backend is chosen, when it failed, before the listeners are bound, unconfigured. */
    @Test
    void readinessIsDownUntilProgramsCanStartAndEveryListenerIsBound() throws IOException {
        JsonNode starting = report(Health.ready(new Health.State(true, null, null, true, 1, false)));
        assertEquals("DOWN", starting.get("status").asText());
        assertEquals("starting", check(starting, "process-backend").at("/data/state").asText());

        JsonNode failed = report(Health.ready(new Health.State(true, null, "the native backend cannot load: glibc",
                true, 1, false)));
        assertEquals("DOWN", failed.get("status").asText());
        assertEquals("DOWN", check(failed, "process-backend").get("status").asText());
        assertEquals("the native backend cannot load: glibc", check(failed, "process-backend").at("/data/error").asText());

        JsonNode unbound = report(Health.ready(new Health.State(true, "native", null, false, 2, false)));
        assertEquals("DOWN", unbound.get("status").asText());
        assertEquals("DOWN", check(unbound, "listeners").get("status").asText());
        assertEquals("UP", check(unbound, "process-backend").get("status").asText());

        JsonNode container = report(Health.ready(new Health.State(true, "portable", null, null, 0, false)));
        assertEquals("UP", container.get("status").asText());
        assertEquals(List.of("process-backend", "shutdown"), names(container), "a container's connectors are its own");

        Health.State unconfigured = new Health(null).state();
        JsonNode none = report(Health.ready(unconfigured));
        assertEquals("DOWN", none.get("status").asText());
        assertEquals(List.of("configuration"), names(none));
        assertEquals("UP", report(Health.live(unconfigured)).get("status").asText());
    }

    private static JsonNode report(Health.Report report) throws IOException {
        return JSON.readTree(Health.json(report));
    }

    private static List<String> names(JsonNode report) {
        List<String> names = new ArrayList<>();
        report.get("checks").forEach(c -> names.add(c.get("name").asText()));
        return names;
    }

    private static JsonNode check(JsonNode report, String name) {
        for (JsonNode c : report.get("checks")) {
            if (name.equals(c.get("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + report);
    }
}
