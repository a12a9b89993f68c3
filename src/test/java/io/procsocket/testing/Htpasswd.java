package io.procsocket.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's own htpasswd (apache2-utils, installed by .ci/install-deps), so that --basicauth is tested on files made
 * the way an admin makes them. Missing, it fails the test saying so: a test that skips proves nothing.
 */
public final class Htpasswd {
    private Htpasswd() { }

    /** Runs {@code htpasswd args...}; fails unless it exits 0 within 30 s. */
    public static void run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("htpasswd"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("htpasswd is missing: these tests need Debian's apache2-utils, which "
                    + ".ci/install-deps installs (" + e.getMessage() + ")", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("htpasswd " + String.join(" ", args) + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("htpasswd " + String.join(" ", args) + " exited " + p.exitValue() + ": " + out);
        }
    }
}
