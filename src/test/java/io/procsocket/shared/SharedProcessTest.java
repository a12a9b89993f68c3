package io.procsocket.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.gateway.Procs;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import jakarta.websocket.CloseReason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --shared on one instance: one program, many clients, with a real server and real processes. */
class SharedProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** How many processes run this script right now, as the OS sees them (/proc). */
    static long running(Path script) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(script.toString())).orElse(false)
                        || p.info().commandLine().map(c -> c.contains(script.toString())).orElse(false))
                .count();
    }

    static List<String> texts(EventSocket ws, int n) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String t = ws.nextText();
            if (t == null) {
                throw new AssertionError("no message " + i + " within the wait; got " + out);
            }
            out.add(t);
        }
        return out;
    }

    @Test
    void threeClientsSeeTheSameLinesInTheSameOrderFromOneProcess() throws Exception {
        // Prints its pid for each line it is given, then on "go" 300 numbered lines at once.
        Path script = TesterScripts.sh(dir, "lines.sh", """
                while read line; do
                  if [ "$line" = go ]; then i=0; while [ $i -lt 300 ]; do echo "n$i"; i=$((i+1)); done
                  else echo "$$ $line"; fi
                done""");
        try (TesterServer server = TesterServer.start("--shared", script.toString())) {
            EventSocket a = EventSocket.connect(server.ws("/"));
            EventSocket b = EventSocket.connect(server.ws("/other/path"));
            EventSocket c = EventSocket.connect(server.ws("/"));
            a.send("hello-a");
            // Every client sees every client's input answered, by the same pid.
            String first = a.nextText();
            assertTrue(first.endsWith(" hello-a"), first);
            assertEquals(first, b.nextText());
            assertEquals(first, c.nextText());
            assertEquals(1, running(script), "one process for all three clients");
            assertEquals(1, server.gateway().liveChildren());
            assertEquals(1, server.gateway().forks().running(), "--maxforks counts the shared process once");
            b.send("go");
            List<String> seenByA = texts(a, 300);
            assertEquals(seenByA, texts(b, 300));
            assertEquals(seenByA, texts(c, 300));
            for (int i = 0; i < 300; i++) {
                assertEquals("n" + i, seenByA.get(i));
            }
            a.close();
            b.close();
            c.close();
            Bounded.await("the process ended after its last client (linger 0)", WAIT, () -> running(script) == 0);
            Bounded.noChildrenLeft(server.gateway());
        }
    }
}
