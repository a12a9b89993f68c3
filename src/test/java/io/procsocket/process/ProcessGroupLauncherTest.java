package io.procsocket.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The native launcher and the pipe reactor, with real processes and no server. */
class ProcessGroupLauncherTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    private PipeReactor reactor;
    private ProcessGroupLauncher launcher;
    private final List<ChildProcess> children = new ArrayList<>();

    @BeforeEach
    void start() {
        reactor = new PipeReactor("test-pipes");
        launcher = new ProcessGroupLauncher(() -> reactor);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (ChildProcess child : children) {
            Signals.signalGroup(child.pid(), Signals.SIGKILL);
            assertTrue(child.awaitExit(BOUND.toMillis()) >= 0, "child " + child.pid() + " was never reaped");
        }
        reactor.close();
    }

    private ChildProcess launch(Map<String, String> env, String... command) throws IOException {
        ChildProcess child = launcher.launch(List.of(command), env, new StdinBacklog());
        children.add(child);
        return child;
    }

    @Test
    void childLeadsItsOwnSessionAndProcessGroupSoSignalsReachGrandchildren() throws Exception {
        ChildProcess child = launch(ENV, "/usr/bin/cat");
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
                () -> launcher.launch(List.of("/nonexistent/program"), ENV, new StdinBacklog()));
        assertTrue(e.getMessage().contains("/nonexistent/program") && e.getMessage().contains("error=2"), e.getMessage());
        assertEquals(before, openDescriptors());
    }

    @Test
    void exitStatusAndDeathBySignalAreReportedLikeJavasProcess() throws Exception {
        ChildProcess three = launch(ENV, "/bin/sh", "-c", "exit 3");
        assertEquals(3, three.awaitExit(BOUND.toMillis()));
        ChildProcess killed = launch(ENV, "/usr/bin/cat");
        Signals.signalGroup(killed.pid(), Signals.SIGKILL);
        assertEquals(128 + Signals.SIGKILL, killed.awaitExit(BOUND.toMillis()));
        CompletableFuture<Integer> seen = new CompletableFuture<>();
        killed.onExit(seen::complete);
        assertEquals(137, seen.get(BOUND.toMillis(), TimeUnit.MILLISECONDS), "onExit after the exit runs at once");
    }

    @Test
    void manyChildrenCostNoThreadEach() throws Exception {
        int threadsBefore = Thread.activeCount();
        List<ChildProcess> cats = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            cats.add(launch(ENV, "/usr/bin/cat"));
        }
        assertTrue(Thread.activeCount() <= threadsBefore + 2,
                "threads went from " + threadsBefore + " to " + Thread.activeCount() + " for 50 children");
        cats.forEach(ChildProcess::closeStdin);
        for (ChildProcess cat : cats) {
            assertEquals(0, cat.awaitExit(BOUND.toMillis()), "cat ends at EOF on stdin");
        }
    }

    @Test
    void aWriteThatMustNotWaitQueuesWhatTheChildCannotTakeAndItArrivesInOrder() throws Exception {
        StdinBacklog backlog = new StdinBacklog();
        ChildProcess cat = launcher.launch(List.of("/usr/bin/cat"), ENV, backlog);
        children.add(cat);
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
        // The reactor learns that nobody reads stdin any more (EPIPE) and closes it, and the pidfd after the exit.
        Bounded.await("every descriptor of the child closed", BOUND, () -> {
            try {
                return openDescriptors() == before;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(!child.isAlive() && child.stdinBlockedNanos() == 0);
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
