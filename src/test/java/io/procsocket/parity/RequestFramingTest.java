package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a request's body is delimited (RFC 9112 §6): a script gets exactly the bytes Content-Length
 * declares, and a request whose length two parties could read differently (the request-smuggling
 * vectors) is refused and its connection closed before any of it reaches a script or a program.
 */
class RequestFramingTest {
    @TempDir
    static Path tmp;
    private static Path marker;
    private static TesterServer server;

    @BeforeAll
    static void start() throws Exception {
        Path cgi = Files.createDirectories(tmp.resolve("cgi"));
        marker = tmp.resolve("smuggled-ran");
        TesterScripts.sh(cgi, "echo.cgi", String.join("\n",
                "printf 'Content-Type: text/plain\\r\\n\\r\\n'",
                "echo \"len=$CONTENT_LENGTH query=$QUERY_STRING body=[$(cat)]\""));
        TesterScripts.sh(cgi, "size.cgi", "printf 'Content-Type: text/plain\\n\\n'; head -c \"$QUERY_STRING\" /dev/zero | tr '\\0' x");
        TesterScripts.sh(cgi, "smuggled.cgi", "touch '" + marker + "'; printf 'Content-Type: text/plain\\n\\nsmuggled'");
        server = TesterServer.start("--cgidir=" + cgi, TesterScripts.sh(tmp, "hello.sh", "echo hello").toString());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void noMarker() throws Exception {
        Files.deleteIfExists(marker);
    }

    private static String smuggled() {
        return "GET /smuggled.cgi HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    private static String post(String protocol, String headers, String body) {
        return "POST /echo.cgi " + protocol + "\r\nHost: 127.0.0.1\r\n" + headers + "\r\n" + body;
    }

    @Test
    void bodyBeyondContentLengthNeverReachesTheScript() throws Exception {
        RawHttp.Reply reply = RawHttp.pipelined(server.port(),
                post("HTTP/1.1", "Content-Length: 5\r\n", "helloEXTRA BYTES THAT ARE NO BODY"), 1).get(0);
        assertEquals(200, reply.status());
        assertTrue(reply.body().contains("len=5 query= body=[hello]"), reply.body());
    }

    @Test
    void requestPipelinedAfterTheBodyIsAnsweredOnItsOwn() throws Exception {
        List<RawHttp.Reply> replies = RawHttp.pipelined(server.port(), post("HTTP/1.1", "Content-Length: 5\r\n", "hello")
                + "GET /echo.cgi?second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2);
        assertTrue(replies.get(0).body().contains("len=5 query= body=[hello]"), replies.get(0).body());
        assertTrue(replies.get(1).body().contains("len= query=second body=[]"), replies.get(1).body());
    }

    @Test
    void upgradeOtherThanWebSocketIsIgnoredSoTheBodyStillEndsAtContentLength() throws Exception {
        // Grizzly took any Upgrade header as an upgrade and fed everything after the head to the script.
        for (String upgrade : new String[] {"h2c", "foo", "websocket, foo"}) {
            List<RawHttp.Reply> replies = RawHttp.pipelined(server.port(), post("HTTP/1.1", "Upgrade: " + upgrade
                    + "\r\nConnection: Upgrade\r\nContent-Length: 5\r\n", "hello")
                    + "GET /echo.cgi?second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2);
            assertTrue(replies.get(0).body().contains("len=5 query= body=[hello]"), upgrade + ": " + replies.get(0));
            assertTrue(replies.get(1).body().contains("len= query=second body=[]"), upgrade + ": " + replies.get(1));
        }
    }

    @Test
    void requestsPipelinedAfterABodyKeepTheirOwnBytes() throws Exception {
        // Grizzly handed a body over with the next requests' bytes in its capacity: once the body was
        // done, that memory was reused for a response, and the next request was parsed from response
        // bytes ("Host: text/plain") or from whatever was written there.
        for (int size = 1; size < 400; size += 37) {
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                requests.append("GET /size.cgi?").append(size).append(" HTTP/1.1\r\nHost: x\r\n\r\n")
                        .append(post("HTTP/1.1", "Content-Length: 6\r\n", "body-" + i));
            }
            List<RawHttp.Reply> replies = RawHttp.pipelined(server.port(), requests.toString(), 6);
            for (int i = 0; i < 3; i++) {
                assertEquals("x".repeat(size), replies.get(2 * i).body(), "size " + size);
                assertTrue(replies.get(2 * i + 1).body().contains("len=6 query= body=[body-" + i + "]"),
                        "size " + size + ": " + replies.get(2 * i + 1));
            }
        }
    }

    @Test
    void http10BodyIsCutToContentLength() throws Exception {
        RawHttp.Reply reply = RawHttp.exchangeExpectingClose(server.port(),
                post("HTTP/1.0", "Content-Length: 5\r\n", "hello" + smuggled()));
        assertTrue(reply.body().contains("len=5 query= body=[hello]"), reply.body());
        assertNoSmuggledRequestRan("bytes after an HTTP/1.0 body");
    }

    @Test
    void http10BodyWithoutContentLengthIsNoBody() throws Exception {
        // RFC 9112 §6.3: a request with neither Content-Length nor Transfer-Encoding has no body.
        RawHttp.Reply reply = RawHttp.exchangeExpectingClose(server.port(), post("HTTP/1.0", "", smuggled()));
        assertTrue(reply.body().contains("len= query= body=[]"), reply.body());
        assertNoSmuggledRequestRan("bytes after an HTTP/1.0 request");
    }

    @Test
    void requestAfterOneThatEndsTheConnectionIsNeverRun() throws Exception {
        // RFC 9112 §9.6: after a request with "close" (or an HTTP/1.0 one), no further request is processed.
        for (String first : new String[] {"GET /echo.cgi HTTP/1.0\r\n\r\n",
                "GET /echo.cgi HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"}) {
            RawHttp.Reply reply = RawHttp.exchangeExpectingClose(server.port(), first + smuggled());
            assertEquals(200, reply.status(), first);
            assertNoSmuggledRequestRan(first);
        }
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAndClosed() throws Exception {
        String chunkedEnd = "0\r\n\r\n" + smuggled();
        for (String headers : new String[] {
                "Content-Length: " + chunkedEnd.length() + "\r\nTransfer-Encoding: chunked\r\n",
                "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
                "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n"}) {
            assertRefused(400, post("HTTP/1.1", headers, chunkedEnd),
                    "BAD REQUEST: Content-Length and Transfer-Encoding");
        }
        assertNoSmuggledRequestRan("contentLengthWithTransferEncodingIsRefusedAndClosed");
    }

    @Test
    void transferEncodingOtherThanChunkedGets501AndClosed() throws Exception {
        for (String coding : new String[] {"gzip", "chunked, gzip", "gzip, chunked", "identity", "chunked, chunked",
                "chunkedx", "x\u00ff", "Chunked;q=1", ""}) {
            assertRefused(501, post("HTTP/1.1", "Transfer-Encoding: " + coding + "\r\n", smuggled()),
                    "NOT IMPLEMENTED: Transfer-Encoding");
        }
        assertRefused(501, post("HTTP/1.1", "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", smuggled()),
                "NOT IMPLEMENTED: Transfer-Encoding");
        assertNoSmuggledRequestRan("transferEncodingOtherThanChunkedGets501AndClosed");
    }

    @Test
    void chunkedBodyStillReachesTheScript() throws Exception {
        RawHttp.Reply reply = RawHttp.pipelined(server.port(), post("HTTP/1.1",
                "Transfer-Encoding: CHUNKED\r\nConnection: close\r\n", "3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n"), 1).get(0);
        assertEquals(200, reply.status());
        assertTrue(reply.body().contains("body=[hello]"), reply.body());
    }

    @Test
    void transferEncodingOnHttp10IsRefusedAndClosed() throws Exception {
        // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
        assertRefused(400, post("HTTP/1.0", "Transfer-Encoding: chunked\r\n", "0\r\n\r\n" + smuggled()),
                "BAD REQUEST: Transfer-Encoding in an HTTP/1.0 request");
        assertNoSmuggledRequestRan("transferEncodingOnHttp10IsRefusedAndClosed");
    }

    @Test
    void upgradeWithAmbiguousFramingIsRefusedBeforeTheUpgrade() throws Exception {
        assertRefused(400, RawHttp.upgradeRequest("/", "127.0.0.1",
                "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n",
                "BAD REQUEST: Content-Length and Transfer-Encoding");
        assertRefused(501, RawHttp.upgradeRequest("/", "127.0.0.1", "Transfer-Encoding: gzip\r\n"),
                "NOT IMPLEMENTED: Transfer-Encoding");
        // and a clean upgrade still works
        assertEquals(101, RawHttp.upgrade(server.port(), "/", "").status());
        assertNoSmuggledRequestRan("upgradeWithAmbiguousFramingIsRefusedBeforeTheUpgrade");
    }

    @Test
    void malformedHeaderIsRefusedWithALengthAndALogLine() throws Exception {
        // Grizzly's own refusals used to be a bare "400" with no log line.
        assertRefused(400, post("HTTP/1.1", "Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"), "BAD REQUEST");
        assertRefused(400, post("HTTP/1.1", "Content-Length: five\r\n", "hello"), "BAD REQUEST");
        assertRefused(505, "GET /echo.cgi HTTP/3.7\r\nHost: x\r\n\r\n", "HTTP VERSION NOT SUPPORTED");
        assertNoSmuggledRequestRan("malformedHeaderIsRefusedWithALengthAndALogLine");
    }

    private static void assertRefused(int status, String request, String logged) throws Exception {
        try (TesterLog log = TesterLog.capture()) {
            RawHttp.Reply reply = RawHttp.exchangeExpectingClose(server.port(), request);
            String what = request.lines().limit(4).toList().toString();
            assertEquals(status, reply.status(), what);
            assertEquals("close", reply.header("Connection"), what);
            assertEquals(Integer.toString(reply.body().length()), reply.header("Content-Length"), what);
            assertTrue(reply.body().startsWith(Integer.toString(status)), what + ": " + reply.body());
            String line = log.await(l -> l.contains("| ACCESS |") && l.contains(logged), Duration.ofSeconds(5));
            assertTrue(line.contains("remote:'127.0.0.1'"), line);
        }
        assertFalse(Files.exists(marker), "a request smuggled after this one ran: " + request);
    }

    /**
     * Such a request would run after the response to the first had gone out and the client had seen
     * the close, so give it the time a script needs to start.
     */
    private static void assertNoSmuggledRequestRan(String after) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
        while (System.nanoTime() < deadline) {
            assertFalse(Files.exists(marker), "a request smuggled after this one ran: " + after);
            Thread.sleep(20);
        }
    }
}
