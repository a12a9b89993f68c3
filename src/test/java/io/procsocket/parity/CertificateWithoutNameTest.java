package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.TesterServer;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Go's tooling makes certificates with no subject and no issuer, and websocketd serves them; the JDK (and Bouncy
 * Castle) cannot even parse one. --ssl then fails at start-up with one line that names the cause and the fix.
 */
class CertificateWithoutNameTest {
    @TempDir
    Path dir;

    @Test
    void aCertificateWithAnEmptySubjectFailsStartUpWithTheCauseAndTheFix() throws Exception {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", dir.resolve("k.pem").toString(), "-out", dir.resolve("c.pem").toString(), "-subj", "/",
                "-days", "2", "-addext", "subjectAltName=DNS:localhost").redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, openssl.exitValue(), "openssl (installed by .ci/install-deps) made the certificate");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> TesterServer.start("--ssl",
                "--sslcert=" + dir.resolve("c.pem"), "--sslkey=" + dir.resolve("k.pem"), "cat").close());
        String message = e.getCause().getMessage();
        assertTrue(message.contains("empty subject or issuer name") && message.contains("-subj /CN="), message);
        assertEquals(1, message.lines().count(), message);
    }
}
