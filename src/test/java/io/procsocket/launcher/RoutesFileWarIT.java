package io.procsocket.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.parity.RawHttp;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterScripts;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged WAR with --config: a SIGHUP reloads the routes file for new connections while a connection opened
 * before keeps its program, and a broken file keeps the routes that work. A JVM of its own, because SIGHUP goes to
 * the whole process.
 */
class RoutesFileWarIT {
    private static final Duration QUICK = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void sighupReloadsRoutesForNewConnectionsAndKeepsRunningOnesAndABrokenFileChangesNothing() throws Exception {
        int port = WarProcess.freePort();
        TesterScripts.sh(dir, "say.sh", "echo \"$WORD\"; exec cat");
        Path yaml = dir.resolve("routes.yaml");
        Files.writeString(yaml, routes(port, "first", false));
        try (WarProcess war = WarProcess.start("--config=" + yaml)) {
            war.awaitServing();
            EventSocket before = EventSocket.connect(URI.create("ws://127.0.0.1:" + port + "/say"));
            assertEquals("first", before.nextText());
            assertEquals(404, RawHttp.upgrade(port, "/new", "").status());

            Files.writeString(yaml, routes(port, "second", true));
            hangUp(war);
            war.awaitStdout(l -> l.contains("Reloaded --config: 2 routes"), QUICK);
            EventSocket after = EventSocket.connect(URI.create("ws://127.0.0.1:" + port + "/say"));
            assertEquals("second", after.nextText(), "a new connection runs with the new route");
            EventSocket added = EventSocket.connect(URI.create("ws://127.0.0.1:" + port + "/new"));
            assertEquals("second", added.nextText());
            before.send("still here");
            assertEquals("still here", before.nextText(), "the connection from before keeps its program");

            Files.writeString(yaml, "routes:\n  - path: /say\n    colour: blue\n");
            hangUp(war);
            String failed = war.awaitStdout(l -> l.contains("Reload failed"), QUICK);
            assertTrue(failed.contains("colour") && failed.contains(":3:"), failed);
            EventSocket still = EventSocket.connect(URI.create("ws://127.0.0.1:" + port + "/new"));
            assertEquals("second", still.nextText(), "a broken file keeps the routes that work");
            for (EventSocket ws : new EventSocket[] {before, after, added, still}) {
                ws.close();
            }
        }
    }

    private static String routes(int port, String word, boolean withNew) {
        String yaml = "port: " + port + "\naddress: 127.0.0.1\nroutes:\n"
                + "  - path: /say\n    command: ./say.sh\n    env: {WORD: " + word + "}\n";
        return withNew ? yaml + "  - path: /new\n    command: ./say.sh\n    env: {WORD: " + word + "}\n" : yaml;
    }

    private static void hangUp(WarProcess war) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(war.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -HUP");
    }
}
