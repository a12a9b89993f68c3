package io.procsocket.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's HEALTHCHECK script (src/main/docker/healthcheck.sh) checks the server where it was told to listen:
 * the port and scheme come from the server's own command line, whichever flag spelling was used. Healthy means
 * the readiness probe answered 200: any other answer (an older server's 404, a 503 while shutting down) is not.
 */
class DockerHealthcheckIT {
    private static final Path SCRIPT = Path.of("src/main/docker/healthcheck.sh");

    @TempDir
    Path dir;

    @Test
    void itFollowsThePortGivenAsASeparateWord() throws Exception {
        int port = WarProcess.freePort();
        try (WarProcess war = WarProcess.start("--address=127.0.0.1", "--port", Integer.toString(port), "cat")) {
            war.awaitServing();
            assertEquals(0, healthcheck(war.pid()), "healthy while serving");
            war.close();
            assertEquals(1, healthcheck(war.pid()), "unhealthy once stopped");
        }
    }

    /** The image starts the server through bin/procsocket: its command line names the main class, not the WAR. */
    @Test
    void itFindsTheFlagsOfAServerTheLauncherStarted() throws Exception {
        int port = WarProcess.freePort();
        try (WarProcess server = WarProcess.launcher(java.util.Map.of("PROCSOCKET_CACHE_DIR", dir.resolve("cache").toString()),
                "--address=127.0.0.1", "--port", Integer.toString(port), "cat")) {
            server.awaitStdout(l -> l.contains("Starting WebSocket server"), java.time.Duration.ofSeconds(90));
            assertEquals(0, healthcheck(server.pid()), "healthy while serving");
            server.close();
            assertEquals(1, healthcheck(server.pid()), "unhealthy once stopped");
        }
    }

    @Test
    void itFollowsTlsAndASingleDashPort() throws Exception {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve("key.pem").toString(),
                "-out", dir.resolve("cert.pem").toString(), "-subj", "/CN=localhost", "-days", "2");
        int port = WarProcess.freePort();
        try (WarProcess war = WarProcess.start("-port=" + port, "--address=127.0.0.1", "--ssl",
                "--sslcert=" + dir.resolve("cert.pem"), "--sslkey=" + dir.resolve("key.pem"), "cat")) {
            war.awaitServing();
            assertEquals(0, healthcheck(war.pid()));
        }
    }

    /**
     * Against a stand-in whose command line reads like the server's and an HTTP server on its port that answers 200
     * everywhere except at the readiness probe: only the probe's answer counts, and its body is passed on.
     */
    @Test
    void onlyTheReadinessProbesAnswerCounts() throws Exception {
        int port = WarProcess.freePort();
        AtomicInteger readyStatus = new AtomicInteger(503);
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        stub.createContext("/", exchange -> {
            boolean probe = "/.procsocket/health/ready".equals(exchange.getRequestURI().getPath());
            byte[] body = (probe ? "{\"status\":\"" + (readyStatus.get() == 200 ? "UP" : "DOWN") + "\"}" : "page")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(probe ? readyStatus.get() : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.start();
        // `read` is a shell builtin, so the shell itself stays the process, with this command line, until stdin closes.
        Process standIn = new ProcessBuilder("sh", "-c", "read x", "/app/procsocket.war", "--address=127.0.0.1",
                "--port", Integer.toString(port), "cat").start();
        try {
            List<String> out = new java.util.ArrayList<>();
            assertEquals(1, healthcheck(standIn.pid(), out), "a 503 from the probe is unhealthy");
            assertTrue(String.join("\n", out).contains("answered 503: {\"status\":\"DOWN\"}"), out.toString());
            readyStatus.set(404);
            assertEquals(1, healthcheck(standIn.pid()), "a server without the probe is unhealthy");
            readyStatus.set(200);
            assertEquals(0, healthcheck(standIn.pid()), "the probe's 200 is healthy");
        } finally {
            standIn.getOutputStream().close();
            standIn.waitFor(10, TimeUnit.SECONDS);
            standIn.destroyForcibly();
            stub.stop(0);
        }
    }

    private static int healthcheck(long pid) throws Exception {
        return healthcheck(pid, new java.util.ArrayList<>());
    }

    private static int healthcheck(long pid, List<String> lines) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString()).redirectErrorStream(true);
        pb.environment().put("PROCSOCKET_PID", Long.toString(pid));
        return run(pb, lines);
    }

    private static void run(String... cmd) throws Exception {
        assertEquals(0, run(new ProcessBuilder(cmd).redirectErrorStream(true)), String.join(" ", cmd));
    }

    private static int run(ProcessBuilder pb) throws Exception {
        return run(pb, new java.util.ArrayList<>());
    }

    private static int run(ProcessBuilder pb, List<String> lines) throws Exception {
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(pb.command() + " did not finish: " + out);
        }
        List.of(out.split("\n")).forEach(l -> System.out.println("healthcheck: " + l));
        lines.addAll(List.of(out.split("\n")));
        return p.exitValue();
    }
}
