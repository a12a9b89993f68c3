package io.procsocket.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's HEALTHCHECK script (src/main/docker/healthcheck.sh) checks the server where it was told to listen:
 * the port and scheme come from the server's own command line, whichever flag spelling was used.
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

    private static int healthcheck(long pid) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString()).redirectErrorStream(true);
        pb.environment().put("PROCSOCKET_PID", Long.toString(pid));
        return run(pb);
    }

    private static void run(String... cmd) throws Exception {
        assertEquals(0, run(new ProcessBuilder(cmd).redirectErrorStream(true)), String.join(" ", cmd));
    }

    private static int run(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(pb.command() + " did not finish: " + out);
        }
        List.of(out.split("\n")).forEach(l -> System.out.println("healthcheck: " + l));
        return p.exitValue();
    }
}
