package io.procsocket.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The environment a real child sees, printed by the child itself. */
class EnvironmentTest {
    /** Set by any CGI gateway; anything else in the child's environment leaked from the server. */
    private static final Set<String> CGI = Set.of("SERVER_SOFTWARE", "GATEWAY_INTERFACE", "SERVER_PROTOCOL",
            "REQUEST_METHOD", "SERVER_NAME", "SERVER_PORT", "REMOTE_ADDR", "REMOTE_PORT", "REMOTE_HOST", "SCRIPT_NAME",
            "PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING", "REQUEST_URI", "UNIQUE_ID", "AUTH_TYPE", "CONTENT_LENGTH",
            "CONTENT_TYPE", "REMOTE_IDENT", "REMOTE_USER");

    private Map<String, String> environmentSeenBy(TesterServer server, String pathAndQuery, Map<String, String> headers)
            throws Exception {
        EventSocket ws = EventSocket.connect(server.ws(pathAndQuery), headers);
        ws.awaitClose();
        Map<String, String> env = new LinkedHashMap<>();
        Object m;
        while ((m = ws.messages().poll(0, TimeUnit.MILLISECONDS)) != null) {
            String line = (String) m;
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        Bounded.noChildrenLeft(server.gateway());
        return env;
    }

    private Path envScript() {
        // env(1) itself as the program: a shell in between would add variables of its own (PWD).
        return Path.of("/usr/bin/env");
    }

    @Test
    void anIpv6PeerIsWrittenAsWebsocketdWritesIt() throws Exception {
        // The IPv6 loopback, [::1]: Java prints 0:0:0:0:0:0:0:1, Go (and so websocketd) ::1.
        try (io.procsocket.testing.TesterLog log = io.procsocket.testing.TesterLog.capture();
             TesterServer server = TesterServer.startExactly(java.util.List.of("--port=0", "--address=[::1]",
                     envScript().toString()))) {
            EventSocket ws = EventSocket.connect(java.net.URI.create("ws://[::1]:" + server.port() + "/v6"));
            ws.awaitClose();
            Map<String, String> env = new LinkedHashMap<>();
            Object m;
            while ((m = ws.messages().poll(0, TimeUnit.MILLISECONDS)) != null) {
                String line = (String) m;
                env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
            assertEquals("::1", env.get("REMOTE_ADDR"));
            assertEquals("::1", env.get("REMOTE_HOST"));
            assertEquals("::1", env.get("SERVER_NAME"));
            String connect = log.await(l -> l.endsWith("| CONNECT"), java.time.Duration.ofSeconds(5));
            org.junit.jupiter.api.Assertions.assertTrue(connect.contains(" remote:'::1' "), connect);
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void childGetsCgiVariablesAndNothingElseFromTheServer() throws Exception {
        try (TesterServer server = TesterServer.start(envScript().toString())) {
            Map<String, String> env = environmentSeenBy(server, "/room/1?a=1&b=%20x+y&c", Map.of("X-Custom", "v"));
            assertEquals("/room/1", env.get("PATH_INFO"));
            assertEquals("/", env.get("SCRIPT_NAME"));
            assertEquals("a=1&b=%20x+y&c", env.get("QUERY_STRING"));
            assertEquals("/room/1?a=1&b=%20x+y&c", env.get("REQUEST_URI"));
            assertEquals("127.0.0.1:" + server.port(), env.get("HTTP_HOST"));
            assertEquals("127.0.0.1", env.get("SERVER_NAME"));
            assertEquals(Integer.toString(server.port()), env.get("SERVER_PORT"));
            assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
            assertTrue(Integer.parseInt(env.get("REMOTE_PORT")) > 0);
            assertEquals("GET", env.get("REQUEST_METHOD"));
            assertEquals("CGI/1.1", env.get("GATEWAY_INTERFACE"));
            assertEquals("v", env.get("HTTP_X_CUSTOM"));
            assertNotNull(env.get("HTTP_SEC_WEBSOCKET_KEY"));
            assertTrue(env.get("UNIQUE_ID").matches("\\d+"), env.get("UNIQUE_ID"));
            assertEquals(System.getenv("PATH"), env.get("PATH"));
            for (String name : env.keySet()) {
                assertTrue(CGI.contains(name) || name.startsWith("HTTP_") || name.equals("PATH")
                        || name.equals("LD_LIBRARY_PATH"), "leaked from the server: " + name);
            }
            assertTrue(env.keySet().containsAll(CGI), "missing: " + CGI.stream().filter(n -> !env.containsKey(n)).toList());
        }
    }

    @Test
    void underscoreHeaderCannotSpoofTheDashedHeaderAProxySet() throws Exception {
        try (TesterServer server = TesterServer.start(envScript().toString())) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("X-Forwarded-For", "10.0.0.1");
            headers.put("X_Forwarded_For", "6.6.6.6");
            headers.put("X_Only_Underscore", "u");
            Map<String, String> env = environmentSeenBy(server, "/", headers);
            assertEquals("10.0.0.1", env.get("HTTP_X_FORWARDED_FOR"));
            assertNull(env.get("HTTP_X_ONLY_UNDERSCORE"));
        }
    }

    @Test
    void passenvHandsOverExactlyTheNamedVariables() throws Exception {
        String home = System.getenv("HOME");
        assertNotNull(home, "the test JVM needs HOME set to check --passenv");
        try (TesterServer server = TesterServer.start("--passenv=HOME", envScript().toString())) {
            Map<String, String> env = environmentSeenBy(server, "/", Map.of());
            assertEquals(home, env.get("HOME"));
            assertNull(env.get("PATH"), "PATH is passed by default only, not when --passenv names others");
        }
    }

    @Test
    void eachConnectionGetsItsOwnUniqueId() throws Exception {
        try (TesterServer server = TesterServer.start(envScript().toString())) {
            String a = environmentSeenBy(server, "/", Map.of()).get("UNIQUE_ID");
            String b = environmentSeenBy(server, "/", Map.of()).get("UNIQUE_ID");
            assertTrue(!a.equals(b), a);
        }
    }
}
