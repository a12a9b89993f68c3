package io.procsocket.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A password file that would let a weak hash in stops the command line at once: one line, status 1, no port. */
class WeakPasswordFileTest {
    @TempDir
    Path dir;

    @Test
    void anMd5EntryIsOneLineAndStatusOneBeforeAnyPortOpens() throws Exception {
        // What `htpasswd -m` writes (apr1); the exact hash does not matter, its format does.
        Path users = Files.writeString(dir.resolve("users"), "bob:$apr1$abcdefgh$0123456789abcdefghijkl\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--port=1", "--basicauth=" + users, "cat"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, said);
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.startsWith("procsocket: ") && said.contains("bob") && said.contains("MD5"), said);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aRoutesOwnMd5EntryIsTheSameOneLineAndStatusOne() throws Exception {
        Path users = Files.writeString(dir.resolve("users"), "bob:$apr1$abcdefgh$0123456789abcdefghijkl\n");
        Path routes = Files.writeString(dir.resolve("routes.yaml"), "port: 1\naddress: 127.0.0.1\nroutes:\n"
                + "  - path: /admin\n    command: cat\n    basicauth: " + users + "\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--config=" + routes},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, said + out);
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.startsWith("procsocket: ") && said.contains("bob") && said.contains("MD5"), said);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
