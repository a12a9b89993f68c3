package io.procsocket.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.TesterServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The standalone server serves the client library at /.procsocket/procsocket.js, console or not. */
class ClientLibraryTest {
    private static final Path SOURCE = Path.of("src", "main", "webapp", "procsocket.js");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void getServesTheModuleAsJavaScriptWithoutTheConsole() throws Exception {
        try (TesterServer server = TesterServer.start("cat")) {
            HttpResponse<String> reply = send(server, "GET", ClientLibrary.PATH, null);
            assertEquals(200, reply.statusCode());
            assertEquals("text/javascript; charset=utf-8", reply.headers().firstValue("Content-Type").orElse(null));
            assertEquals("nosniff", reply.headers().firstValue("X-Content-Type-Options").orElse(null));
            assertEquals("no-cache", reply.headers().firstValue("Cache-Control").orElse(null));
            assertEquals(Files.readString(SOURCE, StandardCharsets.UTF_8), reply.body());
            assertTrue(reply.body().contains("export function connect("), "an ES module with connect()");
        }
    }

    @Test
    void servedBeforeTheConsolesCatchAllAndTheConsoleKnowsWhere() throws Exception {
        try (TesterServer server = TesterServer.start("--devconsole", "cat")) {
            HttpResponse<String> library = send(server, "GET", ClientLibrary.PATH, null);
            assertEquals(200, library.statusCode());
            assertEquals("text/javascript; charset=utf-8", library.headers().firstValue("Content-Type").orElse(null));
            HttpResponse<String> console = send(server, "GET", "/anything", null);
            assertTrue(console.body().contains("data-library=\"/.procsocket/procsocket.js\""), "the console's import URL");
            // Percent-encoded, the path is the library's all the same (as for every other reserved path).
            assertEquals(200, send(server, "GET", "/%2Eprocsocket/procsocket.js", null).statusCode());
        }
    }

    @Test
    void headAnswersWithoutBodyAndAnUnchangedCopyIsNotSentAgain() throws Exception {
        try (TesterServer server = TesterServer.start("cat")) {
            HttpResponse<String> head = send(server, "HEAD", ClientLibrary.PATH, null);
            assertEquals(200, head.statusCode());
            assertEquals(String.valueOf(Files.size(SOURCE)), head.headers().firstValue("Content-Length").orElse(null));
            assertEquals("", head.body());
            String etag = head.headers().firstValue("ETag").orElse(null);
            assertNotNull(etag);
            HttpResponse<String> again = send(server, "GET", ClientLibrary.PATH, etag);
            assertEquals(304, again.statusCode());
            assertEquals("", again.body());
            assertEquals(200, send(server, "GET", ClientLibrary.PATH, "\"something-else\"").statusCode());
        }
    }

    @Test
    void otherMethodsGet405() throws Exception {
        try (TesterServer server = TesterServer.start("--devconsole", "cat")) {
            for (String method : new String[] {"POST", "PUT", "DELETE"}) {
                HttpResponse<String> reply = send(server, method, ClientLibrary.PATH, null);
                assertEquals(405, reply.statusCode(), method);
                assertEquals("GET, HEAD", reply.headers().firstValue("Allow").orElse(null), method);
            }
        }
    }

    private static HttpResponse<String> send(TesterServer server, String method, String path, String ifNoneMatch)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.http(path)).timeout(TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
