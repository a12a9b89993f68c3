package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --cgidir: CGI/1.1 over plain HTTP with the gateway's environment rules and fork limit. */
class CgiDirTest {
    @TempDir
    static Path tmp;
    private static Path marker;
    private static Path cgi;
    private static TesterServer server;

    @BeforeAll
    static void start() throws Exception {
        cgi = Files.createDirectories(tmp.resolve("cgi"));
        Files.createDirectories(cgi.resolve("sub"));
        marker = tmp.resolve("outside-ran");
        TesterScripts.sh(cgi, "echo.cgi", String.join("\n",
                "printf 'Content-Type: text/plain\\r\\nX-Script: yes\\r\\n\\r\\n'",
                "echo \"method=$REQUEST_METHOD len=$CONTENT_LENGTH type=$CONTENT_TYPE\"",
                "echo \"script=$SCRIPT_NAME info=$PATH_INFO query=$QUERY_STRING\"",
                "echo \"home=${HOME-unset} path=${PATH:+set}\"",
                "echo \"body=$(cat)\""));
        TesterScripts.sh(cgi.resolve("sub"), "teapot.cgi", "printf 'Status: 418 I am a teapot\\nContent-Type: text/plain\\n\\nshort and stout'");
        TesterScripts.sh(cgi, "headless.cgi", "echo no headers here");
        TesterScripts.sh(cgi, "deaf.cgi", "printf 'Content-Type: text/plain\\n\\ndeaf'");
        Files.writeString(cgi.resolve("readme.txt"), "not executable");
        TesterScripts.sh(cgi, "moved.cgi", "printf 'Location: /elsewhere\\n\\n'");
        TesterScripts.sh(tmp, "outside.cgi", "touch '" + marker + "'; printf 'Content-Type: text/plain\\n\\nescaped'");
        Files.createSymbolicLink(cgi.resolve("link.cgi"), tmp.resolve("outside.cgi"));
        TesterScripts.sh(tmp, "hold.sh", "echo held; cat");
        server = TesterServer.start("--cgidir=" + cgi, "--passenv=PATH");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void postBodyReachesStdinWithContentLengthAndTypeAndHeadersComeBack() throws Exception {
        String body = "name=value";
        RawHttp.Reply reply = RawHttp.exchange(server.port(), "POST /echo.cgi/x/y?q=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        assertEquals(200, reply.status());
        assertEquals("yes", reply.header("X-Script"));
        assertTrue(reply.body().contains("method=POST len=10 type=application/x-www-form-urlencoded"), reply.body());
        assertTrue(reply.body().contains("script=/echo.cgi info=/x/y query=q=1"), reply.body());
        assertTrue(reply.body().contains("body=name=value"), reply.body());
    }

    @Test
    void passenvAppliesToCgiScriptsAsToWebSocketChildren() throws Exception {
        RawHttp.Reply reply = RawHttp.get(server.port(), "/echo.cgi");
        assertTrue(reply.body().contains("home=unset path=set"), reply.body());
    }

    @Test
    void statusAndLocationHeadersSetTheResponseStatus() throws Exception {
        RawHttp.Reply teapot = RawHttp.get(server.port(), "/sub/teapot.cgi");
        assertEquals(418, teapot.status());
        assertEquals("short and stout", teapot.body());
        RawHttp.Reply moved = RawHttp.get(server.port(), "/moved.cgi");
        assertEquals(302, moved.status());
        assertEquals("/elsewhere", moved.header("Location"));
    }

    @Test
    void scriptWithoutHeaderBlockIsABadGateway() throws Exception {
        assertEquals(502, RawHttp.get(server.port(), "/headless.cgi").status());
    }

    @Test
    void nonExecutableFileInCgiDirIsForbiddenNotServedAsSource() throws Exception {
        RawHttp.Reply reply = RawHttp.get(server.port(), "/readme.txt");
        assertEquals(403, reply.status());
        assertFalse(reply.body().equals("not executable"), "the file's content was served");
    }

    @Test
    void traversalPlainAndPercentEncodedNeverRunsAScriptOutsideCgiDir() throws Exception {
        for (String target : new String[] {"/../outside.cgi", "/sub/../../outside.cgi", "/%2e%2e/outside.cgi",
                "/sub%2f..%2f..%2foutside.cgi"}) {
            RawHttp.Reply reply = RawHttp.get(server.port(), target);
            assertFalse(reply.body().contains("escaped"), target);
        }
        assertFalse(Files.exists(marker), "a CGI script outside --cgidir ran");
    }

    @Test
    void symlinkPointingOutsideCgiDirIsNotRun() throws Exception {
        assertEquals(404, RawHttp.get(server.port(), "/link.cgi").status());
        assertFalse(Files.exists(marker), "a CGI script outside --cgidir ran through a symlink");
    }

    @Test
    void eachScriptIsFedOnlyItsOwnRequestsBody() throws Exception {
        // A script that exits without reading its body used to leave the thread feeding its stdin
        // reading on after the request was recycled: a NullPointerException, or the next body taken.
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        try (TesterLog log = TesterLog.capture()) {
            int pairs = 100;
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < pairs; i++) {
                String body = "body-" + i;
                requests.append("POST /deaf.cgi HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\nignored")
                        .append("POST /echo.cgi HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n")
                        .append(body);
            }
            List<RawHttp.Reply> replies = RawHttp.pipelined(server.port(), requests.toString(), 2 * pairs);
            for (int i = 0; i < pairs; i++) {
                assertEquals("deaf", replies.get(2 * i).body());
                assertTrue(replies.get(2 * i + 1).body().contains("body=body-" + i + "\n"), replies.get(2 * i + 1).body());
            }
            Thread.sleep(200);
            assertEquals(List.of(), uncaught);
            assertThrows(AssertionError.class, () -> log.await(l -> l.contains("NullPointerException"), Duration.ofMillis(100)));
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    @Test
    void cgiCountsAgainstMaxforks() throws Exception {
        // --maxforks=1: one WebSocket child fills the limit, so a CGI request must get 429.
        try (TesterServer limited = TesterServer.start("--cgidir=" + cgi, "--maxforks=1",
                tmp.resolve("hold.sh").toString())) {
            assertEquals(200, RawHttp.get(limited.port(), "/echo.cgi").status());
            EventSocket ws = EventSocket.connect(limited.ws("/"));
            assertEquals("held", ws.nextText());
            assertEquals(429, RawHttp.get(limited.port(), "/echo.cgi").status());
            ws.close();
            ws.awaitClose();
        }
    }
}
