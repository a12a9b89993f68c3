package io.procsocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's seed primer (shared/reference/seed-websocket-notes.md) must work as written: its
 * greeter.js (examples/greeter.js, verbatim) behind {@code java -jar procsocket.war ... node ./greeter.js},
 * and its browser snippet (verbatim except for the port) in real Chromium.
 *
 * <p>What the snippet really sends: {@code 'I am the client and I\m listening'} is the JS string
 * "I am the client and Im listening" ({@code \m} is not an escape, so the backslash vanishes), and
 * {@code socket.send(file)} with the file input element (not a file) sends its string form,
 * "[object HTMLInputElement]". greeter.js writes {@code 'data:' + chunk} where a chunk is whatever one
 * read of stdin returned: each chunk ends with the newline the gateway appended, so every output is
 * whole lines, but when both messages arrive in one read only the first line gets the prefix.
 */
class SeedPrimerGreeterIT {
    private static final String SNIPPET = "seed-client-snippet.js";
    private static final String OBJECT = "[object HTMLInputElement]";

    @TempDir
    Path dir;

    @Test
    void primerClientSnippetTalksToGreeterJsAsWritten() throws Exception {
        Path examples = Path.of("examples").toAbsolutePath();
        assertTrue(Files.isRegularFile(examples.resolve("greeter.js")), "examples/greeter.js");
        try (PackagedServer server = PackagedServer.start(examples, "node", "./greeter.js");
             HeadlessChromium chromium = HeadlessChromium.start()) {
            Path page = Files.writeString(dir.resolve("primer.html"), page(server.port()));
            chromium.driver().get(page.toUri().toString());

            chromium.waiting().withMessage("greeter.js replies; server output: " + server.log())
                    .until(d -> received(chromium).size() >= 2 || received(chromium).stream()
                            .anyMatch(m -> m.contains(OBJECT)));
            List<String> received = received(chromium);
            assertEquals("data:I am the client and Im listening", received.get(0), received.toString());
            // One read or two, depending on how the pipe was drained: both are the primer working.
            assertTrue(received.equals(List.of("data:I am the client and Im listening", "data:" + OBJECT))
                    || received.equals(List.of("data:I am the client and Im listening", OBJECT)), received.toString());

            // greeter.js never ends by itself: the page closes, and its node process must go with it.
            ProcessHandle node = server.handle().descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains("greeter.js"))
                    .findFirst().orElseThrow(() -> new AssertionError("no node ./greeter.js under the server"));
            chromium.driver().executeScript("socket.close()");
            chromium.waiting().withMessage("close event").until(d ->
                    ((Number) chromium.driver().executeScript("return window.__closeCode || 0")).intValue() != 0);
            assertEquals(1000L, chromium.driver().executeScript("return window.__closeCode"));
            node.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> received(HeadlessChromium chromium) {
        return (List<String>) chromium.driver().executeScript("return window.__received");
    }

    /**
     * The snippet inside a page that has the file input it looks for, plus a recorder added after it
     * (the snippet's own handlers only console.log).
     */
    private static String page(int port) throws IOException {
        String snippet;
        try (InputStream in = SeedPrimerGreeterIT.class.getResourceAsStream(SNIPPET)) {
            snippet = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String url = "'ws://localhost:8080'";
        assertTrue(snippet.contains(url), "the snippet's URL");
        snippet = snippet.replace(url, "'ws://127.0.0.1:" + port + "'");
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>seed primer</title></head><body>\n"
                + "<input type=\"file\">\n"
                + "<script>\n" + snippet + "\n</script>\n"
                + "<script>\n"
                + "window.__received = [];\n"
                + "socket.addEventListener('message', function (e) { window.__received.push(e.data) });\n"
                + "socket.addEventListener('close', function (e) { window.__closeCode = e.code });\n"
                + "</script>\n</body></html>\n";
    }
}
