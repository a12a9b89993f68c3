package io.procsocket.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Procs;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.TesterScripts;
import jakarta.websocket.CloseReason;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged WAR with the portable process backend, as a user meets it: forced by the system property, or picked
 * because JNA cannot load (here made so by pointing JNA at no native library, as a locked-down container or an
 * unsupported system would), and a forced native backend that cannot load refusing to start.
 */
class PortableBackendWarIT {
    private static final Duration QUICK = Duration.ofSeconds(20);
    /** JNA's own switches: no system copy of its native part, none unpacked from its jar, none on this path. */
    private static final List<String> NO_JNA = List.of("-Djna.nosys=true", "-Djna.nounpack=true",
            "-Djna.boot.library.path=/nonexistent");

    @TempDir
    Path dir;

    @Test
    void forcedPortableRunsTheQuickstartSaysWhyOnceAndNeverLoadsJna() throws Exception {
        int port = WarProcess.freePort();
        Path classes = dir.resolve("classes.log");
        try (WarProcess war = WarProcess.start(List.of("-Dprocsocket.processes=portable",
                "-Xlog:class+load=info:file=" + classes), "--port=" + port, "--address=127.0.0.1", "examples/count.sh")) {
            war.awaitServing();
            String line = war.awaitStdout(l -> l.contains("Process backend"), QUICK);
            assertTrue(line.contains("| INFO   | process    |  | Process backend             : portable "
                    + "(forced by -Dprocsocket.processes=portable; ProcessBuilder, a thread per pipe; each program leads "
                    + "its own process group"), line);
            EventSocket ws = EventSocket.connect(URI.create("ws://127.0.0.1:" + port + "/"));
            for (int i = 1; i <= 10; i++) {
                assertEquals(Integer.toString(i), ws.nextText());
            }
            assertEquals(1000, ws.awaitClose().getCloseCode().getCode());
            war.close();
            assertEquals(1, war.stdoutLines().stream().filter(l -> l.contains("Process backend")).count());
            // An operator who forces it keeps native code out of the process altogether.
            String loaded = java.nio.file.Files.readString(classes);
            assertTrue(loaded.contains("io.procsocket.process.portable.PortableBackend "), "the class log is complete");
            assertTrue(!loaded.contains("com.sun.jna.") && !loaded.contains("io.procsocket.process.linux."),
                    "JNA or the native backend was loaded");
        }
    }

    @Test
    void whereJnaCannotLoadThePortableBackendIsPickedAndAClosedClientsTreeIsEnded() throws Exception {
        Path pids = dir.resolve("pids");
        Path script = TesterScripts.sh(dir, "tree.sh",
                "sleep 600 & echo $! > " + pids + ".grandchild; echo $$ > " + pids + "; echo ready; while read -r l; do echo \"$l\"; done");
        int port = WarProcess.freePort();
        try (WarProcess war = WarProcess.start(NO_JNA, "--port=" + port, "--address=127.0.0.1", script.toString())) {
            war.awaitServing();
            String line = war.awaitStdout(l -> l.contains("Process backend"), QUICK);
            assertTrue(line.contains("Process backend             : portable (the native backend cannot load: "), line);
            EventSocket ws = EventSocket.connect(URI.create("ws://127.0.0.1:" + port + "/"));
            assertEquals("ready", ws.nextText());
            ws.send("echo me");
            assertEquals("echo me", ws.nextText());
            long program = Procs.readPid(pids);
            long grandchild = Procs.readPid(Path.of(pids + ".grandchild"));
            ws.close();
            CloseReason reason = ws.awaitClose();
            assertEquals(1000, reason.getCloseCode().getCode());
            // The kill sequence reaches the background sleep, which ignores SIGINT, through the group's SIGTERM.
            Procs.awaitGone(program, QUICK);
            Procs.awaitGone(grandchild, QUICK);
            war.awaitStdout(l -> l.endsWith("| DISCONNECT"), QUICK);
        }
    }

    @Test
    void forcedNativeThatCannotLoadRefusesToStartWithTheReason() throws Exception {
        int port = WarProcess.freePort();
        List<String> options = new java.util.ArrayList<>(NO_JNA);
        options.add("-Dprocsocket.processes=native");
        try (WarProcess war = WarProcess.start(options, "--port=" + port, "--address=127.0.0.1", "examples/count.sh")) {
            assertEquals(Main.EXIT_CANNOT_START, war.awaitExit(QUICK));
            List<String> fatal = war.stdoutLines().stream().filter(l -> l.contains("| FATAL  |")).toList();
            assertEquals(1, fatal.size(), war.stdoutLines().toString());
            assertTrue(fatal.get(0).contains("Can't start server: cannot start child processes: the native backend "
                    + "cannot load: "), fatal.get(0));
        }
    }

    @Test
    void aPropertyValueThatNamesNoBackendIsOneLineAndExitOneBeforeAnyPort() throws Exception {
        int port = WarProcess.freePort();
        try (WarProcess war = WarProcess.start(List.of("-Dprocsocket.processes=jna"), "--port=" + port,
                "examples/count.sh")) {
            assertEquals(1, war.awaitExit(QUICK));
            assertEquals(List.of("procsocket: -Dprocsocket.processes must be native or portable, not 'jna'"),
                    war.stderrLines());
            assertEquals(List.of(), war.stdoutLines());
        }
    }
}
