package io.procsocket.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.EventSocket;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/procsocket, the launcher that keeps a class-data-sharing archive: the same command line and behaviour as
 * {@code java -jar procsocket.war}, with the WAR's classes mapped from the archive from the second start on.
 */
class LauncherScriptIT {
    private static final Duration QUICK = Duration.ofSeconds(20);
    /** The first start explodes the WAR and trains the archive before it serves. */
    private static final Duration FIRST = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void firstStartTrainsAnArchiveThatLaterStartsMapTheGatewayFrom() throws Exception {
        Path cache = dir.resolve("cache");
        Map<String, String> env = Map.of("PROCSOCKET_CACHE_DIR", cache.toString());
        countToTen(env, FIRST);
        Path entry = onlyEntry(cache);
        assertTrue(Files.size(entry.resolve("procsocket.jsa")) > 1_000_000, "a trained archive in " + entry);
        assertTrue(Files.notExists(entry.resolve("untrained")), "training succeeded");

        // -Xshare:on makes an archive the JVM cannot map a failed start instead of a silently slower one.
        Path classes = dir.resolve("classes.log");
        countToTen(Map.of("PROCSOCKET_CACHE_DIR", cache.toString(),
                "JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:file=" + classes), QUICK);
        String gateway = Files.readAllLines(classes).stream()
                .filter(l -> l.contains(" io.procsocket.gateway.Gateway source:")).findFirst().orElseThrow();
        assertTrue(gateway.contains("shared objects file (top)"), gateway);
        assertEquals(List.of(entry), entries(cache), "the second start reused the first one's entry");
    }

    @Test
    void aRebuiltWarGetsAFreshArchiveInsteadOfOneTheJvmWouldRefuse() throws Exception {
        Path war = Files.copy(WarProcess.war(), dir.resolve("procsocket.war"));
        Path cache = dir.resolve("cache");
        Map<String, String> env = Map.of("PROCSOCKET_CACHE_DIR", cache.toString(), "PROCSOCKET_WAR", war.toString());
        assertEquals(0, version(env));
        Path first = onlyEntry(cache);
        Files.setLastModifiedTime(war, FileTime.from(Instant.now().plusSeconds(60)));
        assertEquals(0, version(env));
        List<Path> both = entries(cache);
        assertEquals(2, both.size(), both.toString());
        for (Path e : both) {
            assertTrue(Files.isRegularFile(e.resolve("procsocket.jsa")), e + " has its own archive");
        }
        assertTrue(both.contains(first));
    }

    @Test
    void aBadFlagIsTheWarsOneLineAndStatus() throws Exception {
        Map<String, String> env = Map.of("PROCSOCKET_CACHE_DIR", dir.resolve("cache").toString());
        try (WarProcess script = WarProcess.launcher(env, "--port=" + WarProcess.freePort(), "--bogus", "cat")) {
            assertEquals(2, script.awaitExit(FIRST));
            List<String> err = script.stderrLines();
            assertEquals(1, err.size(), err.toString());
            assertTrue(err.get(0).startsWith("procsocket: ") && err.get(0).contains("bogus"), err.toString());
        }
    }

    @Test
    void noWarIsOneLineAndStatus1BeforeAnyJvmStarts() throws Exception {
        Map<String, String> env = Map.of("PROCSOCKET_CACHE_DIR", dir.resolve("cache").toString(),
                "PROCSOCKET_WAR", dir.resolve("missing.war").toString());
        try (WarProcess script = WarProcess.launcher(env, "cat")) {
            assertEquals(1, script.awaitExit(QUICK));
            assertEquals(List.of("procsocket: PROCSOCKET_WAR=" + dir.resolve("missing.war") + " is not a file"),
                    script.stderrLines());
        }
        assertTrue(Files.notExists(dir.resolve("cache")), "nothing cached for a WAR that is not there");
    }

    private static void countToTen(Map<String, String> env, Duration start) throws Exception {
        int port = WarProcess.freePort();
        try (WarProcess server = WarProcess.launcher(env, "--port=" + port, "--address=127.0.0.1", "examples/count.sh")) {
            server.awaitStdout(l -> l.contains("Starting WebSocket server"), start);
            EventSocket ws = EventSocket.connect(URI.create("ws://127.0.0.1:" + port + "/"));
            for (int i = 1; i <= 10; i++) {
                assertEquals(Integer.toString(i), ws.nextText());
            }
            assertEquals(1000, ws.awaitClose().getCloseCode().getCode());
            server.awaitStdout(l -> l.endsWith("| DISCONNECT"), QUICK);
        }
    }

    private static int version(Map<String, String> env) throws Exception {
        try (WarProcess script = WarProcess.launcher(env, "--version")) {
            int status = script.awaitExit(FIRST);
            assertTrue(script.stdoutLines().get(0).startsWith("procsocket "));
            return status;
        }
    }

    private static Path onlyEntry(Path cache) throws IOException {
        List<Path> all = entries(cache);
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    /** The cache's entries, without a first start's unfinished temporary directory. */
    private static List<Path> entries(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }
}
