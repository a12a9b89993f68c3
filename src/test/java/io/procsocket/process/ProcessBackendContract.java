package io.procsocket.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.gateway.Procs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every process backend promises the gateway, with real processes and no server: each backend's test class
 * runs all of it against its own backend (the same assertions), and adds what only it does.
 */
public abstract class ProcessBackendContract {
    protected static final Duration BOUND = Duration.ofSeconds(10);
    protected static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    protected ProcessBackend backend;
    private final List<ChildProcess> children = new ArrayList<>();

    /** A fresh backend for one test; closed after it. */
    protected abstract ProcessBackend startBackend();

    @BeforeEach
    void start() {
        backend = startBackend();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (ChildProcess child : children) {
            child.kill();
            assertTrue(child.awaitExit(BOUND.toMillis()) >= 0, "child " + child.pid() + " was never reaped");
            Bounded.await("the tree of " + child.pid() + " gone", BOUND, () -> !child.treeAlive());
        }
        backend.close();
    }

    protected ChildProcess launch(Map<String, String> env, String... command) throws IOException {
        return launch(new StdinBacklog(), env, command);
    }

    protected ChildProcess launch(StdinBacklog backlog, Map<String, String> env, String... command) throws IOException {
        ChildProcess child = backend.launch(List.of(command), env, backlog);
        children.add(child);
        return child;
    }

    @Test
    void childLeadsItsOwnSessionAndProcessGroupSoSignalsReachGrandchildren() throws Exception {
        ChildProcess child = launch(ENV, "/usr/bin/cat");
        // At once for posix_spawn's SETSID; the portable backend's setsid(1) calls setsid(2) just after it starts.
        Bounded.await("pid " + child.pid() + " leads its own session", BOUND, () -> Procs.session(child.pid()) == child.pid());
        // /proc/PID/stat: "pid (comm) state ppid pgrp session ..."; comm is "cat", no spaces.
        String[] stat = Files.readString(Path.of("/proc/" + child.pid() + "/stat")).split(" ");
        assertEquals(Long.toString(child.pid()), stat[4], "process group");
        assertEquals(Long.toString(child.pid()), stat[5], "session");
    }

    @Test
    void childHoldsNoDescriptorOfTheServerSuchAsItsListeningSocket() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ChildProcess child = launch(ENV, "/usr/bin/cat");
            try (Stream<Path> fds = Files.list(Path.of("/proc/" + child.pid() + "/fd"))) {
                assertEquals(List.of("0", "1", "2"), fds.map(p -> p.getFileName().toString()).sorted().toList());
            }
            assertTrue(listening.isBound());
        }
    }

    @Test
    void environmentIsExactlyWhatWasGiven() throws Exception {
        ChildProcess child = launch(Map.of("A", "1", "B", "two words", "PATH", "/usr/bin:/bin"), "/usr/bin/env");
        String out;
        try (InputStream stdout = child.stdout()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(List.of("A=1", "B=two words", "PATH=/usr/bin:/bin"), out.lines().sorted().toList());
        assertEquals(0, child.awaitExit(BOUND.toMillis()));
    }

    @Test
    void programNotFoundFailsWithTheReasonAndLeavesNoDescriptorBehind() throws Exception {
        long before = openDescriptors();
        IOException e = assertThrows(IOException.class,
                () -> backend.launch(List.of("/nonexistent/program"), ENV, new StdinBacklog()));
        assertTrue(e.getMessage().contains("/nonexistent/program") && e.getMessage().contains("error=2"), e.getMessage());
        assertEquals("ENOENT", ((LaunchFailure) e).errnoName(), "what the client is told");
        assertEquals(before, openDescriptors());
    }

    @Test
    void exitStatusAndDeathBySignalAreReportedLikeJavasProcess() throws Exception {
        ChildProcess three = launch(ENV, "/bin/sh", "-c", "exit 3");
        assertEquals(3, three.awaitExit(BOUND.toMillis()));
        ChildProcess killed = launch(ENV, "/usr/bin/cat");
        killed.kill();
        assertEquals(128 + 9, killed.awaitExit(BOUND.toMillis()));
        CompletableFuture<Integer> seen = new CompletableFuture<>();
        killed.onExit(seen::complete);
        assertEquals(137, seen.get(BOUND.toMillis(), TimeUnit.MILLISECONDS), "onExit after the exit runs at once");
    }

    @Test
    void aWriteThatMustNotWaitQueuesWhatTheChildCannotTakeAndItArrivesInOrder() throws Exception {
        StdinBacklog backlog = new StdinBacklog();
        ChildProcess cat = launch(backlog, ENV, "/usr/bin/cat");
        // Nobody reads cat's stdout yet, so both pipes fill and most of this cannot be written now.
        byte[] data = new byte[1 << 20];
        new Random(42).nextBytes(data);
        NoWaiting.enter();
        try {
            cat.writeStdin(data, 0, data.length);
        } finally {
            NoWaiting.exit();
        }
        assertTrue(backlog.backlogged(), "the rest waits in memory");
        assertTrue(cat.stdinBlockedNanos() > 0);

        // A second write on a thread that may wait does wait: it goes in only after the queue.
        byte[] tail = "tail".getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try {
                cat.writeStdin(tail, 0, tail.length);
                cat.closeStdin();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] got;
        try (InputStream stdout = cat.stdout()) {
            got = stdout.readAllBytes();
        }
        second.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        byte[] expected = new byte[data.length + tail.length];
        System.arraycopy(data, 0, expected, 0, data.length);
        System.arraycopy(tail, 0, expected, data.length, tail.length);
        assertArrayEquals(expected, got);
        assertTrue(!backlog.backlogged() && cat.stdinBlockedNanos() == 0, "nothing waits once it is all through");
        assertEquals(0, cat.awaitExit(BOUND.toMillis()));
    }

    @Test
    void closingStdinReleasesAWriterWaitingForAChildThatNeverReads() throws Exception {
        ChildProcess deaf = launch(ENV, "/bin/sh", "-c", "exec sleep 600");
        byte[] big = new byte[1 << 20];
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                deaf.writeStdin(big, 0, big.length);
            } catch (IOException e) {
                // "stdin is closed": the expected way out.
            }
        });
        Bounded.await("the writer waits for the child", BOUND, () -> deaf.stdinBlockedNanos() > 0);
        deaf.closeStdin();
        writer.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        IOException after = assertThrows(IOException.class, () -> deaf.writeStdin(big, 0, 1));
        assertEquals("stdin is closed", after.getMessage());
    }

    @Test
    void childExitingWithBytesStillWaitingOnItsStdinLeavesNoDescriptorOpen() throws Exception {
        long before = openDescriptors();
        ChildProcess child = launch(ENV, "/bin/sh", "-c", "read -r line; exit 0");
        byte[] big = new byte[1 << 20];
        big[0] = '\n';
        NoWaiting.enter();
        try {
            child.writeStdin(big, 0, big.length);
        } finally {
            NoWaiting.exit();
        }
        assertEquals(0, child.awaitExit(BOUND.toMillis()));
        try (InputStream out = child.stdout(); InputStream err = child.stderr()) {
            assertEquals(-1, out.read());
            assertEquals(-1, err.read());
        }
        // The backend learns that nobody reads stdin any more (EPIPE) and closes it (and the native one its pidfd).
        // The portable one's stdin descriptor may be closed first by the JDK, as the child exits.
        Bounded.await("every descriptor of the child closed and nothing waiting for it", BOUND, () -> {
            try {
                return openDescriptors() == before && child.stdinBlockedNanos() == 0;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(!child.isAlive());
    }

    @Test
    void killSequenceEndsTheProgramAndWhatItStartedInItsGroup(@TempDir Path dir) throws Exception {
        Path pid = dir.resolve("grandchild.pid");
        ChildProcess child = launch(ENV, "/bin/sh", "-c", "sleep 600 & echo $! > " + pid + "; exec sleep 600");
        long grandchild = Procs.readPid(pid);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            child.terminate(0, timer);
            assertEquals(128 + 2, child.awaitExit(BOUND.toMillis()), "sleep dies of the first signal, SIGINT");
            Procs.awaitGone(grandchild, BOUND);
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void firstSignalOfTheSequenceIsSigint(@TempDir Path dir) throws Exception {
        Path seen = dir.resolve("seen");
        Path ready = dir.resolve("ready");
        ChildProcess child = launch(ENV, "/bin/sh", "-c",
                "trap 'echo INT > " + seen + "; exit 7' INT; touch " + ready + "; while :; do sleep 0.05; done");
        Bounded.await("the trap is set", BOUND, () -> Files.exists(ready));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            child.terminate(0, timer);
            assertEquals(7, child.awaitExit(BOUND.toMillis()), "the program's INT trap ran");
            assertEquals("INT", Files.readString(seen).trim());
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void watchedStdoutGivesWhatWasPrintedThenTheEndAndStderrIsSeparate() throws Exception {
        ChildProcess child = launch(ENV, "/bin/sh", "-c", "printf 'one\\ntwo'; printf 'oops' >&2");
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        BlockingQueue<String> err = new LinkedBlockingQueue<>();
        child.watchStdout(recorder(out));
        child.watchStderr(recorder(err));
        assertEquals("one\ntwo", drain(out));
        assertEquals("oops", drain(err));
        assertEquals(0, child.awaitExit(BOUND.toMillis()));
    }

    /** Reads as a gateway does: once per arming, re-arming after each read, closing at the end. */
    private static OutputWatch.Handler recorder(BlockingQueue<String> into) {
        return pipe -> {
            try {
                int n = pipe.read(OutputWatch.MAX_READ);
                if (n == OutputWatch.EOF) {
                    pipe.close();
                    into.add("\u0000EOF");
                    return;
                }
                if (n > 0) {
                    into.add(new String(pipe.bytes(), 0, n, StandardCharsets.UTF_8));
                }
                pipe.rearm();
            } catch (IOException e) {
                into.add("\u0000" + e);
            }
        };
    }

    private static String drain(BlockingQueue<String> from) throws InterruptedException {
        StringBuilder all = new StringBuilder();
        while (true) {
            String s = from.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(s != null, "no end of stream within " + BOUND + "; so far: " + all);
            if (s.equals("\u0000EOF")) {
                return all.toString();
            }
            all.append(s);
        }
    }

    protected static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
