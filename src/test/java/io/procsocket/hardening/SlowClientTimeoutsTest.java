package io.procsocket.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.parity.RawHttp;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterServer;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Time limits websocketd does not have: request headers must arrive within --headertimeoutms (slowloris), a
 * message that has begun must keep arriving (--messagetimeoutms), and a close frame the client never answers
 * still ends with the socket closed. Each fires with a log line; clients that keep up are never cut off.
 */
class SlowClientTimeoutsTest {
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static TesterServer server;

    @BeforeAll
    static void start() {
        server = TesterServer.start("--headertimeoutms=400", "--messagetimeoutms=400", "cat");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Socket socket() throws Exception {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout((int) BOUND.toMillis());
        return s;
    }

    @Test
    void headersThatTrickleInAreCutOffAndLogged() throws Exception {
        try (TesterLog log = TesterLog.capture(); Socket s = socket()) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(-1, s.getInputStream().read(), "the server closes a connection whose headers never end");
            log.await(l -> l.contains("request headers not complete within 400 ms"), Duration.ofSeconds(5));
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedQuietly() throws Exception {
        try (TesterLog log = TesterLog.capture(); Socket s = socket()) {
            assertEquals(-1, s.getInputStream().read());
            // The timeout logs before it closes: had it logged, the line would be here already.
            assertFalse(log.lines().stream().anyMatch(l -> l.contains("request headers")), "an idle close is not news");
        }
    }

    @Test
    void aKeepAliveConnectionGetsAFreshLimitForEachRequest() throws Exception {
        try (Socket s = socket()) {
            InputStream in = s.getInputStream();
            for (int i = 0; i < 3; i++) {
                s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertEquals(404, RawHttp.read(in).status());
            }
            // Then idle: closed after the limit, counted from the last response.
            assertEquals(-1, in.read());
        }
    }

    @Test
    void aPipelinedRequestThatTakesLongerThanTheLimitIsStillAnswered(@org.junit.jupiter.api.io.TempDir
                                                                     java.nio.file.Path cgi) throws Exception {
        // The clock runs only while the connection owes us a request: answering the first of two pipelined
        // requests must not cut off the second (a script that takes longer than the limit) while it is served.
        // (Grizzly parses the second head only once the first is answered, which stops the clock again.)
        io.procsocket.testing.TesterScripts.sh(cgi, "fast.cgi", "printf 'Content-Type: text/plain\\r\\n\\r\\nfast'");
        io.procsocket.testing.TesterScripts.sh(cgi, "slow.cgi",
                "sleep 1; printf 'Content-Type: text/plain\\r\\n\\r\\nslow'");
        try (TesterServer pipelined = TesterServer.start("--headertimeoutms=300", "--cgidir=" + cgi);
             Socket s = new Socket("127.0.0.1", pipelined.port())) {
            s.setSoTimeout((int) BOUND.toMillis());
            s.getOutputStream().write(("GET /fast.cgi HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /slow.cgi HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            assertEquals("fast", RawHttp.read(in).body());
            assertEquals("slow", RawHttp.read(in).body());
        }
    }

    @Test
    void anUpgradedConnectionIsNotSubjectToTheHeaderLimit() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(server.port(), "/", BOUND)) {
            // Three times the header limit with no traffic: a WebSocket is idle by nature.
            for (int i = 0; i < 3; i++) {
                ws.sendText("ping " + i);
                assertEquals("ping " + i, ws.readFrame().text());
                LockSupport.parkNanos(Duration.ofMillis(450).toNanos());
            }
            ws.sendClose(1000, "");
            assertEquals(1000, ws.awaitCloseCode());
        }
        Bounded.noChildrenLeft(server.gateway());
    }

    @Test
    void aFragmentedMessageThatStallsIsClosedWith1008AndLogged() throws Exception {
        try (TesterLog log = TesterLog.capture(); RawWebSocket ws = RawWebSocket.open(server.port(), "/", BOUND)) {
            ws.sendFrame(false, 0, RawWebSocket.TEXT, "first half".getBytes(StandardCharsets.UTF_8), true);
            assertEquals(1008, ws.awaitCloseCode());
            log.await(l -> l.contains("message stalled") && l.contains("closing with 1008"), Duration.ofSeconds(5));
        }
        Bounded.noChildrenLeft(server.gateway());
    }

    @Test
    void aFrameWhosePayloadStopsHalfwayIsClosedWith1008() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(server.port(), "/", BOUND)) {
            // A masked 1000-byte text frame's header and 10 bytes of it.
            byte[] head = {(byte) 0x81, (byte) (0x80 | 126), 0x03, (byte) 0xE8, 1, 2, 3, 4};
            ws.sendRaw(head);
            ws.sendRaw(new byte[10]);
            assertEquals(1008, ws.awaitCloseCode());
        }
        Bounded.noChildrenLeft(server.gateway());
    }

    @Test
    void aSlowButSteadyMessageIsNotCutOff() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(server.port(), "/", BOUND)) {
            StringBuilder sent = new StringBuilder();
            // Twelve fragments 150 ms apart: 1.8 s in all, far past the limit, but never 400 ms without a byte.
            for (int i = 0; i < 12; i++) {
                String part = "part" + i + ";";
                sent.append(part);
                ws.sendFrame(i == 11, 0, i == 0 ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION,
                        part.getBytes(StandardCharsets.UTF_8), true);
                LockSupport.parkNanos(Duration.ofMillis(150).toNanos());
            }
            assertEquals(sent.toString(), ws.readFrame().text());
            ws.sendClose(1000, "");
            assertEquals(1000, ws.awaitCloseCode());
        }
        Bounded.noChildrenLeft(server.gateway());
    }

    @Test
    void aCloseFrameTheClientNeverAnswersStillEndsWithTheSocketClosed() throws Exception {
        try (TesterServer quick = TesterServer.start("echo", "bye");
             RawWebSocket ws = RawWebSocket.open(quick.port(), "/", BOUND)) {
            RawWebSocket.Frame close = ws.readCloseWithoutAnswering();
            assertNotNull(close, "a close frame first");
            assertEquals(1000, close.closeCode());
            // No answer from us: the server closes the TCP connection on its own, within its close-handshake bound.
            assertTrue(ws.awaitEof(), "socket still open after the unanswered close frame");
            Bounded.noChildrenLeft(quick.gateway());
        }
    }
}
