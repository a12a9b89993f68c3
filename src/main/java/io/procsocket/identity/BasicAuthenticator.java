package io.procsocket.identity;

import io.procsocket.config.UsageException;
import java.nio.file.Path;

/** --basicauth=FILE: an Apache htpasswd file of bcrypt entries. (Stub: a helper writes the real one.) */
public final class BasicAuthenticator implements Authenticator {
    private BasicAuthenticator() { }

    /** Reads the file at start-up; an entry in a weaker format than bcrypt is refused with one line naming it. */
    public static BasicAuthenticator load(Path file) throws UsageException {
        throw new UsageException("--basicauth is not built yet");
    }

    @Override
    public String scheme() {
        return "Basic";
    }

    @Override
    public Verdict check(Credentials credentials) {
        return Verdict.ABSENT;
    }
}
