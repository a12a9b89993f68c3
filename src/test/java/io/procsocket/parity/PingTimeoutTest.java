package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --pingms=N: pings every N ms; a peer silent for 2N ms is dropped and DISCONNECT is logged. */
class PingTimeoutTest {
    @TempDir
    Path tmp;

    @Test
    void peerThatNeverAnswersPingsIsDroppedAndDisconnectLogged() throws Exception {
        try (TesterLog log = TesterLog.capture(); TesterServer server = TesterServer.start("--pingms=100", "cat");
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(RawHttp.TIMEOUT_MS);
            String host = "127.0.0.1:" + server.port();
            socket.getOutputStream().write(RawHttp.upgradeRequest("/silent", host, "")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            assertEquals(101, RawHttp.read(in).status());
            // Read everything the server sends and answer nothing: pings, then a close, then EOF.
            List<Integer> opcodes = new ArrayList<>();
            WsFrames.Frame frame;
            while ((frame = WsFrames.next(in)) != null) {
                opcodes.add(frame.opcode());
            }
            assertTrue(opcodes.contains(0x9), "no ping before the drop: " + opcodes);
            String line = log.await(l -> l.contains("url:'http://" + host + "/silent'") && l.endsWith("DISCONNECT"),
                    Duration.ofSeconds(10));
            assertTrue(line.contains("ACCESS"), line);
        }
    }

    @Test
    void peerThatAnswersPingsStaysConnectedLongPastTwoIntervals() throws Exception {
        // The program, not the test, waits: 1.5 s is five ping intervals, three times the 2N silence limit;
        // intervals of 300 ms leave room for a loaded machine to answer pings late without a false drop.
        Path slow = TesterScripts.sh(tmp, "slow.sh", "sleep 1.5; echo still here");
        try (TesterServer server = TesterServer.start("--pingms=300", slow.toString())) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            assertEquals("still here", ws.nextText());
            assertEquals(1000, ws.awaitClose().getCloseCode().getCode());
        }
    }
}
