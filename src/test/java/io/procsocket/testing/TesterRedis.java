package io.procsocket.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, throwaway redis-server on a free loopback port (no persistence, its own folder), for the --shared-bus
 * tests. A machine without redis-server fails the test that needs it, loudly: .ci/install-deps installs it.
 */
public final class TesterRedis implements AutoCloseable {
    private static final Duration READY_WAIT = Duration.ofSeconds(10);

    private final Process process;
    private final int port;

    private TesterRedis(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static TesterRedis start(Path dir) throws IOException, InterruptedException {
        return start(dir, List.of());
    }

    /** With more redis-server options ({@code --requirepass} ...); PING then answers -NOAUTH, which counts as up. */
    public static TesterRedis start(Path dir, List<String> options) throws IOException, InterruptedException {
        String binary = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server").stream()
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst()
                .orElseThrow(() -> new AssertionError("redis-server is not installed: the --shared-bus tests need it "
                        + "(bash .ci/install-deps installs Debian's redis-server)"));
        IOException last = null;
        // A free port can be taken by someone else between finding it and redis binding it: try again then.
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            List<String> command = new java.util.ArrayList<>(List.of(binary, "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
            command.addAll(options);
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
                    .start();
            TesterRedis redis = new TesterRedis(p, port);
            try {
                redis.awaitPong();
                return redis;
            } catch (IOException e) {
                redis.close();
                last = e;
            }
        }
        throw new IOException("redis-server did not start: " + last.getMessage(), last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** PING until PONG, within the bound; fails early if the server has exited. */
    private void awaitPong() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with status " + process.exitValue());
            }
            if (ping()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("redis-server did not answer PING within " + READY_WAIT);
            }
            // Not a synchronisation: nothing announces that a separate process has bound its port.
            process.waitFor(20, TimeUnit.MILLISECONDS);
        }
    }

    /** Whether it answers PING right now. */
    public boolean ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = new byte[7];
            int n = in.readNBytes(reply, 0, reply.length);
            String answer = new String(reply, 0, n, StandardCharsets.US_ASCII);
            return answer.startsWith("+PONG") || answer.startsWith("-NOAUTH");
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
