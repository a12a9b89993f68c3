package io.procsocket.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code java -jar target/procsocket.war ARGS} as a user runs it: stdout and stderr read line by line
 * into queues on their own threads (so a full pipe never stalls it), and always ended by {@link #close}.
 */
final class WarProcess implements AutoCloseable {
    static final Duration START = Duration.ofSeconds(30);

    private final Process process;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> stderr = new LinkedBlockingQueue<>();
    private final List<String> allStdout = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private final Gate stdoutGate = new Gate();

    private WarProcess(Process process) {
        this.process = process;
        drain(process.getInputStream(), stdout, "war-stdout", stdoutGate);
        drain(process.getErrorStream(), stderr, "war-stderr", new Gate());
    }

    static Path war() {
        String p = System.getProperty("procsocket.war");
        if (p == null || !Files.isRegularFile(Path.of(p))) {
            throw new AssertionError("system property procsocket.war must name the packaged WAR (mvn verify sets it): " + p);
        }
        return Path.of(p);
    }

    static WarProcess start(String... args) throws IOException {
        return start(List.of(), args);
    }

    /** With JVM options before {@code -jar} (a small heap, -XX:+ExitOnOutOfMemoryError). */
    static WarProcess start(List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", war().toString()));
        cmd.addAll(List.of(args));
        return new WarProcess(new ProcessBuilder(cmd).start());
    }

    /** The project's launcher, {@code bin/procsocket ARGS}, on the packaged WAR, with {@code env} added. */
    static WarProcess launcher(java.util.Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(LAUNCHER.toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("PROCSOCKET_WAR", war().toAbsolutePath().toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        return new WarProcess(pb.start());
    }

    static final Path LAUNCHER = Path.of("bin/procsocket");

    long pid() {
        return process.pid();
    }

    /**
     * Stops reading the server's stdout, as a paused terminal or a stuck log pipe would: once the pipe's
     * buffer is full, every write the server makes to stdout waits.
     */
    void pauseStdout() {
        stdoutGate.close();
    }

    void resumeStdout() {
        stdoutGate.open();
    }

    /** A port nobody listens on right now (bound and released; good enough on a loopback test box). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    /** Lets the reader through while open; a closed gate holds it (and so leaves the pipe unread). */
    private static final class Gate {
        private boolean closed;

        synchronized void close() {
            closed = true;
        }

        synchronized void open() {
            closed = false;
            notifyAll();
        }

        synchronized void pass() throws InterruptedException {
            while (closed) {
                wait();
            }
        }
    }

    private void drain(InputStream in, BlockingQueue<String> into, String name, Gate gate) {
        Thread t = new Thread(() -> {
            // Unbuffered beyond one line: a paused gate must leave the bytes in the pipe, not in our buffer.
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 256)) {
                String line;
                while (true) {
                    gate.pass();
                    if ((line = r.readLine()) == null) {
                        break;
                    }
                    into.add(line);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // The process is gone; what it printed is already queued.
            }
        }, name);
        t.setDaemon(true);
        t.start();
        readers.add(t);
    }

    /** The first stdout line matching, within {@code limit}. */
    String awaitStdout(Predicate<String> match, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            String line = stdout.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no stdout line matched within " + limit + "; got " + allStdout
                        + " stderr " + List.copyOf(stderr) + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")"));
            }
            allStdout.add(line);
            if (match.test(line)) {
                return line;
            }
        }
    }

    /** Waits for the server's "Starting WebSocket server" line. */
    void awaitServing() throws InterruptedException {
        awaitStdout(l -> l.contains("Starting WebSocket server"), START);
    }

    int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + limit);
        }
        return process.exitValue();
    }

    /** Everything printed so far (call after exit: the readers finish at EOF). */
    List<String> stdoutLines() throws InterruptedException {
        awaitReaders();
        stdout.drainTo(allStdout);
        return List.copyOf(allStdout);
    }

    List<String> stderrLines() throws InterruptedException {
        awaitReaders();
        return List.copyOf(stderr);
    }

    /** Once the process has exited, its readers end at EOF: join them so every line is queued. */
    private void awaitReaders() throws InterruptedException {
        for (Thread t : readers) {
            t.join(10_000);
            if (t.isAlive()) {
                throw new AssertionError("output of the WAR not closed: is it still running?");
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stdoutGate.open();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
