package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.procsocket.gateway.Bounded;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * websocketd answers a path with '.' or '..' segments or '//' with 301 to the cleaned path (Go's ServeMux), then
 * serves that from inside the folder: for upgrades, CGI and static files alike. Containment is unchanged.
 */
class PathCleaningTest {
    @TempDir
    Path tmp;

    @Test
    void anUpgradeToAnUncleanPathIsRedirectedAndTheCleanPathRuns() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("scripts/sub"));
        TesterScripts.sh(dir.getParent(), "hello.sh", "echo hello");
        try (TesterServer server = TesterServer.start("--dir=" + dir.getParent())) {
            for (String[] c : new String[][] {{"/sub/../hello.sh", "/hello.sh"}, {"//hello.sh", "/hello.sh"},
                    {"/./hello.sh?x=1", "/hello.sh?x=1"}, {"/sub/%2e%2e/hello.sh", "/hello.sh"}}) {
                RawHttp.Reply moved = RawHttp.upgrade(server.port(), c[0], "");
                assertEquals(301, moved.status(), c[0]);
                assertEquals(c[1], moved.header("Location"), c[0]);
            }
            assertEquals(101, RawHttp.upgrade(server.port(), "/hello.sh", "").status());
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void cgiAndStaticPathsAreRedirectedTheSameWay() throws Exception {
        Path cgi = Files.createDirectories(tmp.resolve("cgi"));
        TesterScripts.sh(cgi, "hi.cgi", "printf 'Content-Type: text/plain\\r\\n\\r\\nhi'");
        Path www = Files.createDirectories(tmp.resolve("www/sub"));
        Files.writeString(www.getParent().resolve("page.txt"), "page");
        try (TesterServer server = TesterServer.start("--cgidir=" + cgi, "--staticdir=" + www.getParent())) {
            RawHttp.Reply moved = RawHttp.get(server.port(), "/x/../hi.cgi");
            assertEquals(301, moved.status());
            assertEquals("/hi.cgi", moved.header("Location"));
            assertEquals("hi", RawHttp.get(server.port(), "/hi.cgi").body());
            RawHttp.Reply page = RawHttp.get(server.port(), "/sub/../page.txt");
            assertEquals(301, page.status());
            assertEquals("/page.txt", page.header("Location"));
            assertEquals("page", RawHttp.get(server.port(), "/page.txt").body());
            // Never a protocol-relative Location.
            RawHttp.Reply slashes = RawHttp.get(server.port(), "//evil.example/page.txt");
            assertEquals(301, slashes.status());
            assertEquals("/evil.example/page.txt", slashes.header("Location"));
            assertFalse(slashes.header("Location").startsWith("//"));
        }
    }
}
