package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.TesterServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --staticdir: files and index.html from DIR, nothing from outside it. */
class StaticDirTest {
    private static final String SECRET = "top-secret-outside-staticdir";
    @TempDir
    static Path tmp;
    private static TesterServer server;

    @BeforeAll
    static void start() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Files.createDirectories(root.resolve("docs"));
        Files.createDirectories(root.resolve("docs/a b"));
        Files.createDirectories(root.resolve("caf\u00e9;x"));
        Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
        Files.writeString(root.resolve("docs/page.txt"), "a page");
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.createSymbolicLink(root.resolve("leak.txt"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("up"), tmp);
        Files.createDirectories(root.resolve("list"));
        Files.writeString(root.resolve("list/<img src=x onerror=alert(1)>.txt"), "x");
        Files.createSymbolicLink(root.resolve("list/inner-link.txt"), root.resolve("docs/page.txt"));
        server = TesterServer.start("--staticdir=" + root);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void servesFilesAndIndexHtml() throws Exception {
        RawHttp.Reply index = RawHttp.get(server.port(), "/");
        assertEquals(200, index.status());
        assertEquals("<h1>home</h1>", index.body());
        assertTrue(index.header("Content-Type").startsWith("text/html"));
        RawHttp.Reply page = RawHttp.get(server.port(), "/docs/page.txt");
        assertEquals(200, page.status());
        assertEquals("a page", page.body());
        assertEquals(404, RawHttp.get(server.port(), "/docs/missing.txt").status());
    }

    @Test
    void folderListingEscapesFileNames() throws Exception {
        RawHttp.Reply reply = RawHttp.get(server.port(), "/list/");
        assertEquals(200, reply.status());
        assertFalse(reply.body().contains("<img"), reply.body());
        assertTrue(reply.body().contains("&lt;img src=x onerror=alert(1)&gt;.txt"), reply.body());
    }

    @Test
    void symlinkStayingInsideStaticDirIsServed() throws Exception {
        RawHttp.Reply reply = RawHttp.get(server.port(), "/list/inner-link.txt");
        assertEquals(200, reply.status());
        assertEquals("a page", reply.body());
    }

    @Test
    void onlyGetAndHeadAreServed() throws Exception {
        RawHttp.Reply post = RawHttp.exchange(server.port(), "POST /docs/page.txt HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n");
        assertEquals(405, post.status());
    }

    @Test
    void folderWithoutSlashRedirectsToIt() throws Exception {
        RawHttp.Reply reply = RawHttp.get(server.port(), "/docs");
        assertEquals(301, reply.status());
        assertEquals("/docs/", reply.header("Location"));
    }

    @Test
    void folderRedirectLocationIsNeverProtocolRelative() throws Exception {
        // "//docs/" in a Location is protocol-relative: a browser would go to the host "docs".
        for (String target : new String[] {"//docs", "///docs", "/%2fdocs", "/%2Fdocs", "//%2fdocs", "/docs%2f%2fa%20b",
                "//docs//a%20b"}) {
            assertEquals(target.contains("a%20b") ? "/docs/a%20b/" : "/docs/", finalLocation(target), target);
        }
    }

    @Test
    void folderRedirectKeepsTheQueryAndEncodesTheCleanedPath() throws Exception {
        assertEquals("/docs/?x=1&y=%2F", finalLocation("//docs?x=1&y=%2F"));
        assertEquals("/docs/a%20b/", RawHttp.get(server.port(), "/docs/a%20b").header("Location"));
        assertEquals("/caf%C3%A9%3Bx/", finalLocation("//caf%c3%a9%3bx"));
    }

    /**
     * Follows the redirects: an unclean path is first cleaned (as Go's ServeMux does), then a folder gets its
     * slash (as Go's FileServer does). No hop may be protocol-relative.
     */
    private static String finalLocation(String target) throws Exception {
        String location = null;
        for (int hop = 0; hop < 3; hop++) {
            RawHttp.Reply reply = RawHttp.get(server.port(), target);
            if (reply.status() != 301) {
                break;
            }
            location = reply.header("Location");
            assertTrue(location.startsWith("/") && !location.startsWith("//") && !location.startsWith("/\\"),
                    target + " redirected to " + location);
            target = location;
        }
        assertTrue(location != null, "no redirect at all");
        return location;
    }

    @Test
    void traversalPlainAndPercentEncodedNeverLeavesStaticDir() throws Exception {
        for (String target : new String[] {"/../secret.txt", "/docs/../../secret.txt", "/%2e%2e/secret.txt",
                "/docs/%2E%2E/%2e%2e/secret.txt", "/..%2fsecret.txt", "/docs%2f..%2f..%2fsecret.txt"}) {
            RawHttp.Reply reply = RawHttp.get(server.port(), target);
            assertFalse(reply.status() == 200, target + " answered 200");
            assertFalse(reply.body().contains(SECRET), target + " leaked the file");
        }
    }

    @Test
    void symlinkPointingOutsideStaticDirIsNotServed() throws Exception {
        for (String target : new String[] {"/leak.txt", "/up/secret.txt"}) {
            RawHttp.Reply reply = RawHttp.get(server.port(), target);
            assertEquals(404, reply.status(), target);
            assertFalse(reply.body().contains(SECRET), target + " leaked the file");
        }
    }
}
