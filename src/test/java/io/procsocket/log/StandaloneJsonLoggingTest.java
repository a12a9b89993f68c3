package io.procsocket.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.config.CommandLine;
import io.procsocket.config.Config;
import io.procsocket.config.LogFormat;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real server with --logformat=json: every line it prints, a real connection's among them, is one JSON object. */
class StandaloneJsonLoggingTest {
    @TempDir
    Path dir;

    @AfterEach
    void restoreTheTestLogging() throws Exception {
        for (Handler h : Logger.getLogger("").getHandlers()) {
            h.close();
        }
        LogManager.getLogManager().readConfiguration();
        GatewayLog.structured(false);
    }

    private static void flush() {
        for (Handler h : Logger.getLogger("").getHandlers()) {
            h.flush();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> fields(Map<String, Object> line) {
        return (Map<String, String>) line.get("fields");
    }

    @Test
    void aConnectionToARealProgramIsLoggedAsJsonLines() throws Exception {
        // The program answers, and writes to stderr what a hostile program might: a quote, a tab, an ESC.
        Path script = TesterScripts.sh(dir, "greet.sh",
                "read line; echo \"hello $line\"; printf 'on \"stderr\"\\t\\033[31m\\n' >&2");
        List<String> flags = List.of("--port=0", "--address=127.0.0.1", "--logformat=json", script.toString());
        Config config = CommandLine.parse(flags, System.getenv(), dir).config();
        assertEquals(LogFormat.JSON, config.logFormat());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StandaloneLogging.install(config.logLevel(), config.logFormat(), new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String url;
        try (TesterServer server = TesterServer.startExactly(flags)) {
            url = "http://127.0.0.1:" + server.port() + "/greet?who=a%22b";
            EventSocket ws = EventSocket.connect(server.ws("/greet?who=a%22b"));
            ws.send("world");
            assertEquals("hello world", ws.nextText());
            assertNotNull(ws.awaitClose());
            long deadline = System.nanoTime() + EventSocket.WAIT.toNanos();
            while (!bytes.toString(StandardCharsets.UTF_8).contains("\"message\":\"DISCONNECT\"")
                    && System.nanoTime() < deadline) {
                flush();
                Thread.sleep(20);
            }
        }
        flush();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.endsWith("\n"), out);
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            Map<String, Object> parsed = JsonFormatterTest.parse(line + "\n");
            assertEquals(List.of("time", "level", "category"), List.copyOf(parsed.keySet()).subList(0, 3), line);
            assertFalse(line.startsWith("Mon") || line.contains(" | "), "no text line: " + line);
            lines.add(parsed);
        }

        Map<String, Object> connect = only(lines, "CONNECT", url);
        assertEquals("ACCESS", connect.get("level"));
        assertEquals("session", connect.get("category"));
        Map<String, String> f = fields(connect);
        assertEquals(List.of("url", "id", "remote", "command", "origin"), List.copyOf(f.keySet()));
        assertEquals("127.0.0.1", f.get("remote"));
        assertEquals(script.toString(), f.get("command"));
        assertTrue(f.get("id").matches("\\d+"), f.get("id"));
        assertTrue(((String) connect.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)"),
                (String) connect.get("time"));

        Map<String, Object> disconnect = only(lines, "DISCONNECT", url);
        assertEquals("ACCESS", disconnect.get("level"));
        assertEquals(f.get("id"), fields(disconnect).get("id"));
        assertTrue(fields(disconnect).get("pid").matches("\\d+"), fields(disconnect).toString());

        // The program's stderr is data: in the JSON exactly as it wrote it, the generator having escaped it.
        Map<String, Object> stderr = only(lines, "on \"stderr\"\t\u001b[31m", url);
        assertEquals("ERROR", stderr.get("level"));
        assertEquals("stderr", stderr.get("category"));
    }

    private static Map<String, Object> only(List<Map<String, Object>> lines, String message, String url) {
        List<Map<String, Object>> found = lines.stream()
                .filter(l -> message.equals(l.get("message")) && url.equals(fields(l).get("url"))).toList();
        assertEquals(1, found.size(), message + " in " + lines);
        return found.get(0);
    }
}
