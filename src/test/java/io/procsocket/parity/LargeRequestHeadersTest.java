package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.config.Config;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request heads up to websocketd's limit (Go's 1 MiB of headers) are taken whole, big cookies
 * included; past it the answer is 431 with a length and a close, never a bare 400.
 */
class LargeRequestHeadersTest {
    private static final int KIB = 1024;
    @TempDir
    static Path tmp;
    private static TesterServer server;

    @BeforeAll
    static void start() throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("page.txt"), "a page");
        Path report = TesterScripts.sh(tmp, "report.sh",
                "echo \"cookie=${#HTTP_COOKIE} last=${HTTP_X_H_299-unset} mark=${HTTP_X_MARK-unset}\"");
        server = TesterServer.start("--staticdir=" + www, report.toString());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String filler(int bytes) {
        return "v".repeat(bytes);
    }

    /** Upgrades with {@code extraHeaders} and returns the program's first line. */
    private static String programLine(String extraHeaders) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(RawHttp.TIMEOUT_MS);
            socket.getOutputStream().write(RawHttp.upgradeRequest("/", "127.0.0.1:" + server.port(), extraHeaders)
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            RawHttp.Reply reply = RawHttp.read(in);
            assertEquals(101, reply.status(), reply.body());
            return WsFrames.next(in).text();
        }
    }

    @Test
    void largeCookieOnAnUpgradeReachesTheProgram() throws Exception {
        // 120 KiB: the most one environment variable may hold on Linux is 128 KiB (MAX_ARG_STRLEN).
        assertEquals("cookie=" + 120 * KIB + " last=unset mark=m",
                programLine("Cookie: " + filler(120 * KIB) + "\r\nX-Mark: m\r\n"));
    }

    @Test
    void halfMebibyteCookieOnAnUpgradeIsAcceptedAndTheProgramStillRuns() throws Exception {
        try (TesterLog log = TesterLog.capture()) {
            assertEquals("cookie=0 last=unset mark=m", programLine("Cookie: " + filler(500 * KIB) + "\r\nX-Mark: m\r\n"));
            String line = log.await(l -> l.contains("HTTP_COOKIE"), Duration.ofSeconds(5));
            assertTrue(line.contains("| ERROR ") && line.contains("128 KiB"), line);
        }
    }

    @Test
    void threeHundredHeadersAreAccepted() throws Exception {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            headers.append("X-H-").append(i).append(": value-").append(i).append("\r\n");
        }
        assertEquals("cookie=0 last=value-299 mark=unset", programLine(headers.toString()));
    }

    @Test
    void headOfOneMebibyteIsAcceptedOnPlainHttpToo() throws Exception {
        String start = "GET /page.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
        StringBuilder head = new StringBuilder(start);
        int line = 0;
        while (head.length() < (1 << 20) - 100 * KIB) {
            head.append("X-Big-").append(line++).append(": ").append(filler(100 * KIB)).append("\r\n");
        }
        int rest = (1 << 20) - head.length() - "Cookie: \r\n\r\n".length();
        head.append("Cookie: ").append(filler(rest)).append("\r\n\r\n");
        assertEquals(1 << 20, head.length());
        RawHttp.Reply reply = RawHttp.exchangeExpectingClose(server.port(), head.toString());
        assertEquals(200, reply.status());
        assertEquals("a page", reply.body());
    }

    @Test
    void headOverTheLimitGets431AndTheServerKeepsServing() throws Exception {
        String over = "Cookie: " + filler(Config.MAX_REQUEST_HEAD_BYTES + 100 * KIB) + "\r\n";
        assertRefused(431, RawHttp.upgradeRequest("/", "127.0.0.1", over), "REQUEST HEADER FIELDS TOO LARGE");
        assertRefused(431, "GET /page.txt HTTP/1.1\r\nHost: x\r\n" + over + "\r\n", "REQUEST HEADER FIELDS TOO LARGE");
        assertEquals("a page", RawHttp.get(server.port(), "/page.txt").body());
        assertEquals("cookie=3 last=unset mark=unset", programLine("Cookie: a=b\r\n"));
    }

    @Test
    void tooManyHeaderLinesGet431() throws Exception {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i <= Config.MAX_REQUEST_HEADERS; i++) {
            headers.append("X-").append(i).append(": v\r\n");
        }
        assertRefused(431, RawHttp.upgradeRequest("/", "127.0.0.1", headers.toString()), "REQUEST HEADER FIELDS TOO LARGE");
    }

    @Test
    void requestLineOverTheLimitGets414() throws Exception {
        assertRefused(414, "GET /" + filler(Config.MAX_REQUEST_HEAD_BYTES) + " HTTP/1.1\r\nHost: x\r\n\r\n", "URI TOO LONG");
    }

    private static void assertRefused(int status, String request, String logged) throws Exception {
        try (TesterLog log = TesterLog.capture()) {
            RawHttp.Reply reply = RawHttp.exchangeExpectingClose(server.port(), request);
            assertEquals(status, reply.status());
            assertEquals("close", reply.header("Connection"));
            assertEquals(Integer.toString(reply.body().length()), reply.header("Content-Length"));
            String line = log.await(l -> l.contains("| ACCESS |") && l.contains(logged), Duration.ofSeconds(5));
            assertTrue(line.length() < 8 * KIB, "the log line carries the whole head: " + line.length() + " characters");
        }
    }
}
