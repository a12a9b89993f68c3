package io.procsocket.process.portable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.gateway.Procs;
import io.procsocket.process.ChildProcess;
import io.procsocket.process.OutputWatch;
import io.procsocket.process.ProcessBackend;
import io.procsocket.process.ProcessBackendContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend contract against ProcessBuilder and ProcessHandle (here on Linux, where util-linux's setsid gives each
 * program its own process group, as on Alpine), and what only the portable backend does.
 */
class PortableBackendTest extends ProcessBackendContract {
    @BeforeAll
    static void tools() {
        Platform here = Platform.detect();
        assertTrue(here.groups(), "setsid(1) and kill(1) are on this machine (util-linux, procps): " + here.describe());
    }

    @Override
    protected ProcessBackend startBackend() {
        return PortableBackend.start();
    }

    @Test
    void threadsPerChildAreBoundedAndEndWithIt() throws Exception {
        List<ChildProcess> cats = new ArrayList<>();
        AtomicInteger lines = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            ChildProcess cat = launch(ENV, "/usr/bin/cat");
            OutputWatch.Handler reader = pipe -> {
                try {
                    int n = pipe.read(OutputWatch.MAX_READ);
                    if (n == OutputWatch.EOF) {
                        pipe.close();
                        return;
                    }
                    lines.addAndGet(n);
                    pipe.rearm();
                } catch (IOException e) {
                    pipe.close();
                }
            };
            cat.watchStdout(reader);
            cat.watchStderr(reader);
            byte[] line = "hello\n".getBytes(StandardCharsets.US_ASCII);
            cat.writeStdin(line, 0, line.length);
            cats.add(cat);
        }
        Bounded.await("every cat echoed its line", BOUND, () -> lines.get() == 10 * 6);
        // stdout, stderr and stdin: three of ours per program (the JDK adds its reaper, which it pools).
        assertEquals(30, ourThreads(), "threads of ours for 10 programs");
        cats.forEach(ChildProcess::closeStdin);
        for (ChildProcess cat : cats) {
            assertEquals(0, cat.awaitExit(BOUND.toMillis()));
        }
        Bounded.await("every pipe thread ended with its program", BOUND, () -> ourThreads() == 0);
    }

    @Test
    void aDescendantThatLeftTheProcessGroupIsEndedThroughProcessHandle(@TempDir Path dir) throws Exception {
        Path pid = dir.resolve("daemon.pid");
        // setsid(1) in a background job execs at once (the job leads no group), so $! is the daemon itself.
        ChildProcess child = launch(ENV, "/bin/sh", "-c", "setsid sleep 600 & echo $! > " + pid + "; exec sleep 600");
        long daemon = Procs.readPid(pid);
        Bounded.await("the daemon has its own session", BOUND, () -> Procs.session(daemon) == daemon);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            child.terminate(0, timer);
            child.awaitExit(BOUND.toMillis());
            Procs.awaitGone(daemon, BOUND);
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void programNotExecutableIsEaccesBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Path script = java.nio.file.Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\necho hi\n");
        io.procsocket.process.LaunchFailure e = org.junit.jupiter.api.Assertions.assertThrows(
                io.procsocket.process.LaunchFailure.class, () -> launch(ENV, script.toString()));
        assertEquals("EACCES", e.errnoName());
    }

    private static long ourThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("procsocket-std")).count();
    }
}
