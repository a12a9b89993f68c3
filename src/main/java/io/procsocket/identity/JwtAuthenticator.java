package io.procsocket.identity;

import io.procsocket.config.UsageException;
import java.nio.file.Path;

/** --jwt-jwks with --jwt-issuer and --jwt-audience. (Stub: a helper writes the real one.) */
public final class JwtAuthenticator implements Authenticator {
    private JwtAuthenticator() { }

    public static JwtAuthenticator load(Path jwks, String issuer, String audience) throws UsageException {
        throw new UsageException("--jwt-jwks is not built yet");
    }

    @Override
    public String scheme() {
        return "JWT";
    }

    @Override
    public Verdict check(Credentials credentials) {
        return Verdict.ABSENT;
    }
}
