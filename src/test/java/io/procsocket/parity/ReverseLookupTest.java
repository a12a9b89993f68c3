package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.net.InetAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --reverselookup: REMOTE_HOST is the peer's name from reverse DNS instead of its address. */
class ReverseLookupTest {
    @TempDir
    Path tmp;

    @Test
    void remoteHostIsTheResolvedNameOnlyWithReverselookup() throws Exception {
        String name = InetAddress.getByName("127.0.0.1").getCanonicalHostName();
        assertNotEquals("127.0.0.1", name, "this machine has no reverse entry for 127.0.0.1 (add localhost to /etc/hosts)");
        Path script = TesterScripts.sh(tmp, "host.sh", "echo \"$REMOTE_HOST\"");
        try (TesterServer server = TesterServer.start("--reverselookup", script.toString())) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            assertEquals(name, ws.nextText());
            ws.awaitClose();
        }
        try (TesterServer server = TesterServer.start(script.toString())) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            assertEquals("127.0.0.1", ws.nextText());
            ws.awaitClose();
        }
    }
}
