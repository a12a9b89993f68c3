package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --passstderr: stdout and stderr both reach the client as JSON, escaped by a real JSON library. */
class PassStderrTest {
    @TempDir
    Path tmp;

    @Test
    void stdoutAndStderrArriveAsJsonWithEscapedData() throws Exception {
        Path both = TesterScripts.sh(tmp, "both.sh", "echo 'out <1>'\nprintf 'err \"quoted\" \\\\ back\\ttab\\n' >&2\n"
                + "sleep 0.2");
        try (TesterServer server = TesterServer.start("--passstderr", both.toString())) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            Set<String> got = new HashSet<>(Set.of(ws.nextText(), ws.nextText()));
            assertEquals(Set.of("{\"stream\":\"stdout\",\"data\":\"out <1>\"}",
                    "{\"stream\":\"stderr\",\"data\":\"err \\\"quoted\\\" \\\\ back\\ttab\"}"), got);
            assertEquals(1000, ws.awaitClose().getCloseCode().getCode());
        }
    }

    @Test
    void withoutPassstderrStderrNeverReachesTheClient() throws Exception {
        Path both = TesterScripts.sh(tmp, "both.sh", "echo secret >&2\necho plain");
        try (TesterServer server = TesterServer.start(both.toString())) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            assertEquals("plain", ws.nextText());
            ws.awaitClose();
            assertEquals(0, ws.messages().size(), "stderr leaked: " + ws.messages());
        }
    }
}
