package io.procsocket.browser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged WAR run exactly as a user runs it, {@code java -jar procsocket.war --port=0
 * --address=127.0.0.1 ARGS...}, in a chosen working directory. The ephemeral port is read from the
 * server's own "Starting WebSocket server" log line.
 */
final class PackagedServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Starting WebSocket server\\s*: ws://[^:]+:(\\d+)/");
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(15);

    private final Process process;
    private final BlockingQueue<String> output = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private int port;

    private PackagedServer(Process process) {
        this.process = process;
    }

    static PackagedServer start(Path workingDirectory, String... args) throws IOException, InterruptedException {
        String war = System.getProperty("procsocket.war");
        if (war == null || !Files.isRegularFile(Path.of(war))) {
            throw new AssertionError("the packaged WAR is missing (" + war + "): run this as a failsafe IT after `package`");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", war,
                "--port=0", "--address=127.0.0.1"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .start();
        PackagedServer server = new PackagedServer(process);
        server.pumpOutput();
        try {
            server.port = server.awaitPort();
        } catch (AssertionError | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    int port() {
        return port;
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** Lines the server printed so far (for failure messages). */
    synchronized List<String> log() {
        output.drainTo(seen);
        return List.copyOf(seen);
    }

    private void pumpOutput() {
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "procsocket-war-output");
        pump.setDaemon(true);
        pump.start();
    }

    private int awaitPort() throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : output.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("the WAR did not report its port within " + START + "; output: " + seen
                        + (process.isAlive() ? "" : "; exit status " + process.exitValue()));
            }
            synchronized (this) {
                seen.add(line);
            }
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
    }

    /** SIGTERM (the server's shutdown hook ends its children), then SIGKILL if it does not go in time. */
    @Override
    public void close() {
        process.destroy();
        try {
            process.onExit().get(STOP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new AssertionError("the WAR did not stop within " + STOP + " of SIGTERM");
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }
}
