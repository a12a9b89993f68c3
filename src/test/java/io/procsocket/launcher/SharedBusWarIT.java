package io.procsocket.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterRedis;
import io.procsocket.testing.TesterScripts;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --shared-bus from the packaged WAR: the Redis client and its logging travel inside it. */
class SharedBusWarIT {
    private static final Duration QUICK = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void anUnreachableRedisStopsStartUpWithOneLineAndStatus3() throws Exception {
        int nobody = WarProcess.freePort();
        Path script = TesterScripts.sh(dir, "never.sh", "echo never");
        try (WarProcess war = WarProcess.start("--port=" + WarProcess.freePort(), "--shared",
                "--shared-bus=redis://:secret@127.0.0.1:" + nobody, script.toString())) {
            assertEquals(3, war.awaitExit(QUICK));
            List<String> out = war.stdoutLines();
            assertEquals(1, out.size(), out.toString());
            assertTrue(out.get(0).endsWith("Can't start server: --shared-bus: cannot reach redis://***@127.0.0.1:"
                    + nobody + ": Connection refused"), out.get(0));
            assertEquals(List.of(), war.stderrLines());
        }
    }

    @Test
    void theWarServesThroughRedisWithNoWordFromSlf4j() throws Exception {
        Path script = TesterScripts.sh(dir, "hello.sh", "echo hello; while read l; do echo \"$l\"; done");
        Path redisDir = Files.createDirectories(dir.resolve("redis"));
        int port = WarProcess.freePort();
        List<String> out;
        List<String> err;
        try (TesterRedis redis = TesterRedis.start(redisDir);
             WarProcess war = WarProcess.start("--port=" + port, "--address=127.0.0.1", "--shared",
                     "--shared-bus=" + redis.url(), script.toString())) {
            war.awaitServing();
            EventSocket ws = EventSocket.connect(URI.create("ws://127.0.0.1:" + port + "/"));
            assertEquals("hello", ws.nextText());
            ws.send("through redis");
            assertEquals("through redis", ws.nextText());
            ws.close();
            war.close();
            out = war.stdoutLines();
            err = war.stderrLines();
        }
        assertTrue(out.stream().anyMatch(l -> l.contains("Sharing processes with other instances through")), out.toString());
        assertTrue(out.stream().noneMatch(l -> l.contains("SLF4J") || l.contains("jedis")), out.toString());
        assertEquals(List.of(), err);
    }
}
