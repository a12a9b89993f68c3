package io.procsocket.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterScripts;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The packaged WAR run as a user runs it: {@code java -jar target/procsocket.war ...}. */
class PackagedWarIT {
    private static final Duration QUICK = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"--help", "--version", "--license"})
    void infoFlagsPrintAndExitZero(String flag) throws Exception {
        try (WarProcess war = WarProcess.start(flag)) {
            assertEquals(0, war.awaitExit(QUICK));
            List<String> out = war.stdoutLines();
            assertTrue(String.join("\n", out).contains("procsocket"), out.toString());
            assertEquals(List.of(), war.stderrLines());
        }
    }

    @Test
    void badCommandLinesPrintOneLineAndExitBeforeAnyPortIsOpened() throws Exception {
        int port = WarProcess.freePort();
        // websocketd's statuses: 2 for a flag its parser refuses (Go's flag package), 1 for its own checks.
        java.util.Map<List<String>, Integer> bad = new java.util.LinkedHashMap<>();
        bad.put(List.of("--port=" + port, "--bogus", "examples/count.sh"), 2);
        bad.put(List.of("--port=abc", "examples/count.sh"), 2);
        bad.put(List.of("--port"), 2);
        bad.put(List.of("--port=" + port, "--loglevel=loud", "examples/count.sh"), 1);
        bad.put(List.of("--port=" + port, "--closems=-1", "examples/count.sh"), 1);
        bad.put(List.of("--port=" + port, "no-such-command-anywhere"), 1);
        bad.put(List.of("--port=" + port, "--dir=/tmp", "examples/count.sh"), 1);
        bad.put(List.of("--port=" + port, "--passstderr", "--binary", "cat"), 1);
        bad.put(List.of("--port=" + port, "--devconsole", "--staticdir=/tmp", "cat"), 1);
        bad.put(List.of("--port=" + port), 1);
        for (java.util.Map.Entry<List<String>, Integer> c : bad.entrySet()) {
            List<String> args = c.getKey();
            try (WarProcess war = WarProcess.start(args.toArray(String[]::new))) {
                int status = war.awaitExit(QUICK);
                assertEquals(c.getValue(), status, "websocketd's status for " + args);
                List<String> err = war.stderrLines();
                assertEquals(1, err.size(), args + " printed " + err);
                assertTrue(err.get(0).startsWith("procsocket: "), err.get(0));
                // Nothing logged: the server never started, so no port was ever opened.
                assertEquals(List.of(), war.stdoutLines(), args.toString());
            }
        }
    }

    @Test
    void startUpLinesAreWebsocketdsWordForWord() throws Exception {
        int port = WarProcess.freePort();
        try (WarProcess war = WarProcess.start("--port=" + port, "--address=127.0.0.1", "--devconsole",
                "examples/count.sh")) {
            war.awaitServing();
            war.awaitStdout(l -> l.contains("Developer console"), QUICK);
            war.close();
            List<String> lines = war.stdoutLines().stream().limit(3).map(l -> l.substring(l.indexOf(" | ") + 3)).toList();
            // websocketd 0.4.1, same flags (its "%s %s" leaves a space after a command without arguments).
            assertEquals(List.of(
                    "INFO   | server     |  | Serving using application   : examples/count.sh ",
                    "INFO   | server     |  | Starting WebSocket server   : ws://127.0.0.1:" + port + "/",
                    "INFO   | server     |  | Developer console enabled   : http://127.0.0.1:" + port + "/"), lines);
        }
    }

    @Test
    void portAlreadyInUseIsFatalInTheLogAndExitsNonZero() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            try (WarProcess war = WarProcess.start("--port=" + taken.getLocalPort(), "--address=127.0.0.1",
                    "examples/count.sh")) {
                assertEquals(3, war.awaitExit(QUICK));
                List<String> out = war.stdoutLines();
                // websocketd's words, which scripts and supervisors grep for.
                assertTrue(out.stream().anyMatch(l -> l.contains(" | FATAL  | server     | ")
                        && l.endsWith("Can't start server: listen tcp 127.0.0.1:" + taken.getLocalPort()
                        + ": bind: address already in use")), out.toString());
            }
        }
    }

    @Test
    void readmeQuickstartCountsToTenThenClosesNormally() throws Exception {
        int port = WarProcess.freePort();
        try (WarProcess war = WarProcess.start("--port=" + port, "--address=127.0.0.1", "examples/count.sh")) {
            war.awaitServing();
            EventSocket ws = EventSocket.connect(URI.create("ws://127.0.0.1:" + port + "/"));
            for (int i = 1; i <= 10; i++) {
                assertEquals(Integer.toString(i), ws.nextText());
            }
            CloseReason reason = ws.awaitClose();
            assertEquals(1000, reason.getCloseCode().getCode());
            String connect = war.awaitStdout(l -> l.endsWith("| CONNECT"), QUICK);
            assertTrue(connect.contains("| ACCESS | session    | url:'http://127.0.0.1:" + port + "/'"), connect);
            // websocketd names the command as typed (exec.LookPath keeps a path with a slash).
            assertTrue(connect.contains(" command:'examples/count.sh' "), connect);
            war.awaitStdout(l -> l.endsWith("| DISCONNECT"), QUICK);
        }
    }

    @Test
    void partialLastLineThenExit3ThroughTheJar() throws Exception {
        Path script = TesterScripts.sh(dir, "partial.sh", "printf partial; exit 3");
        int port = WarProcess.freePort();
        try (WarProcess war = WarProcess.start("--port=" + port, "--address=127.0.0.1", script.toString())) {
            war.awaitServing();
            EventSocket ws = EventSocket.connect(URI.create("ws://127.0.0.1:" + port + "/"));
            assertEquals("partial", ws.nextText());
            CloseReason reason = ws.awaitClose();
            assertEquals(1011, reason.getCloseCode().getCode());
            assertEquals("exit status 3", reason.getReasonPhrase());
        }
    }

    @Test
    void nothingOfOursIsServedFromWebInfOrMetaInf() throws Exception {
        int port = WarProcess.freePort();
        try (WarProcess war = WarProcess.start("--port=" + port, "--address=127.0.0.1", "examples/count.sh")) {
            war.awaitServing();
            HttpClient http = HttpClient.newBuilder().connectTimeout(QUICK).build();
            for (String path : List.of("/WEB-INF/web.xml", "/META-INF/MANIFEST.MF", "/WEB-INF/lib-provided/",
                    "/WEB-INF/classes/io/procsocket/launcher/Main.class", "/io/procsocket/version.properties")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(QUICK).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(404, r.statusCode(), path);
            }
        }
    }

    @Test
    void websocketStackIsOnlyInLibProvidedNeverInWebInfLib() throws IOException {
        int provided = 0;
        try (ZipFile zip = new ZipFile(WarProcess.war().toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                String name = e.nextElement().getName();
                boolean stack = name.matches(".*/(tyrus|grizzly|jakarta\\.websocket)[^/]*\\.jar");
                if (name.startsWith("WEB-INF/lib/")) {
                    assertTrue(!stack, "a servlet container would load " + name);
                }
                if (name.startsWith("WEB-INF/lib-provided/") && stack) {
                    provided++;
                }
            }
        }
        assertTrue(provided >= 3, "standalone needs Tyrus, Grizzly and the API in WEB-INF/lib-provided: " + provided);
    }
}
