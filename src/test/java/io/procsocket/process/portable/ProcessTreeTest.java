package io.procsocket.process.portable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.gateway.Procs;
import io.procsocket.process.Signal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How signals reach a tree under each system's rules, with real processes here: the rules of a system without
 * setsid(1) (macOS) and of Windows are chosen through {@link Platform}, which is what the backend reads too.
 */
class ProcessTreeTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Process start(String script) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).start();
        started.add(p);
        return p;
    }

    @Test
    void withoutSetsidSigintGoesToTheProgramAndItsDescendantsOneByOne() throws Exception {
        Path ready = dir.resolve("ready");
        Path seen = dir.resolve("seen");
        Process p = start("trap 'echo INT > " + seen + "; exit 7' INT; touch " + ready + "; while :; do sleep 0.05; done");
        Bounded.await("the trap is set", BOUND, () -> Files.exists(ready));
        ProcessTree tree = new ProcessTree(p.toHandle(), new Platform(false, null, Platform.find("kill", null), Map.of()));
        assertTrue(tree.signal(Signal.INT), "someone was there");
        assertTrue(p.waitFor(BOUND.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(7, p.exitValue());
        assertEquals("INT", Files.readString(seen).trim());
        assertFalse(tree.signal(Signal.TERM), "nobody is left");
    }

    @Test
    void underWindowsRulesSigintSendsNothingAndTermEndsTheWholeTree() throws Exception {
        Path pid = dir.resolve("grandchild.pid");
        Path ready = dir.resolve("ready");
        Process p = start("sleep 600 & echo $! > " + pid + "; trap 'touch " + dir.resolve("int")
                + "' INT; touch " + ready + "; while :; do sleep 0.05; done");
        long grandchild = Procs.readPid(pid);
        Bounded.await("the trap is set", BOUND, () -> Files.exists(ready));
        ProcessTree tree = new ProcessTree(p.toHandle(), new Platform(true, null, null, Map.of()));
        assertTrue(tree.signal(Signal.INT), "the tree is there, so the sequence goes on to TERM");
        assertTrue(tree.signal(Signal.TERM));
        assertTrue(p.waitFor(BOUND.toMillis(), TimeUnit.MILLISECONDS));
        Procs.awaitGone(grandchild, BOUND);
        assertFalse(Files.exists(dir.resolve("int")), "no SIGINT under Windows rules");
        // A descendant counts until it is reaped (by init here, once its parent has gone).
        Bounded.await("nothing of the tree left", BOUND, () -> !tree.alive());
    }
}
