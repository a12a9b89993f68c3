package io.procsocket.gateway;

import io.procsocket.config.Config;
import io.procsocket.config.UsageException;
import io.procsocket.identity.Authenticator;
import io.procsocket.identity.BasicAuthenticator;
import io.procsocket.identity.BearerAuthenticator;
import io.procsocket.identity.Credentials;
import io.procsocket.identity.FailureThrottle;
import io.procsocket.identity.Identity;
import io.procsocket.identity.JwtAuthenticator;
import io.procsocket.identity.Verdict;
import io.procsocket.log.GatewayLog;
import java.util.ArrayList;
import java.util.List;

/**
 * Who a request is from, decided before anything is kept for it: every configured scheme (--basicauth, --bearer,
 * --jwt-jwks) looks at its credentials, and the transport's word (a TLS client certificate standalone, the
 * container's authenticated user) counts too. Any scheme admitting is enough; credentials that no scheme admits
 * and some scheme refuses get 401, as does a request with none when a scheme is required. Repeated refusals from
 * one address are answered 429 for a growing while without looking ({@link FailureThrottle}).
 */
public final class IdentityCheck {
    /** The identity a request has (NONE without authentication), or the answer that refuses it. */
    public record Decision(Identity identity, Refusal refusal) {
        public boolean admitted() {
            return refusal == null;
        }
    }

    private final List<Authenticator> schemes;
    private final Config.Auth auth;
    private final FailureThrottle throttle;
    private final Refusal challenge;

    private IdentityCheck(List<Authenticator> schemes, Config.Auth auth, FailureThrottle throttle) {
        this.schemes = List.copyOf(schemes);
        this.auth = auth;
        this.throttle = throttle;
        List<Config.Header> headers = new ArrayList<>();
        if (auth.basicAuth() != null) {
            headers.add(new Config.Header("WWW-Authenticate", "Basic realm=\"" + auth.realm() + "\", charset=\"UTF-8\""));
        }
        if (auth.bearer() != null || auth.jwtJwks() != null) {
            headers.add(new Config.Header("WWW-Authenticate", "Bearer realm=\"" + auth.realm() + "\""));
        }
        this.challenge = new Refusal(401, "401 Unauthorized\n", headers);
    }

    /** Reads every scheme's file now: a bad one stops the server from starting, with one line saying why. */
    public static IdentityCheck load(Config config) throws UsageException {
        return load(config, new FailureThrottle());
    }

    /** As {@link #load(Config)}, counting failures in {@code throttle} (one for every route of a server). */
    public static IdentityCheck load(Config config, FailureThrottle throttle) throws UsageException {
        Config.Auth auth = config.auth();
        List<Authenticator> schemes = new ArrayList<>();
        if (auth.basicAuth() != null) {
            schemes.add(BasicAuthenticator.load(auth.basicAuth()));
        }
        if (auth.bearer() != null) {
            schemes.add(BearerAuthenticator.load(auth.bearer()));
        }
        if (auth.jwtJwks() != null) {
            schemes.add(JwtAuthenticator.load(auth.jwtJwks(), auth.jwtIssuer(), auth.jwtAudience()));
        }
        return new IdentityCheck(schemes, auth, throttle);
    }

    /** Whether plain HTTP requests need credentials too: with Basic, so that a browser prompts on the page. */
    public boolean pagesNeedCredentials() {
        return auth.basicAuth() != null;
    }

    public Decision check(HandshakeInfo request, GatewayLog log) {
        if (schemes.isEmpty()) {
            // Nothing to check (the common case, and every request in a container): the transport's word or nobody.
            return new Decision(transport(request), null);
        }
        long wait = throttle.waitMs(request.remoteAddr());
        if (wait > 0) {
            log.access("http", "AUTH REFUSED (429): too many failed attempts from this address, %d ms to wait", wait);
            return new Decision(null, new Refusal(429, "429 Too Many Requests: too many failed attempts\n",
                    List.of(new Config.Header("Retry-After", Long.toString((wait + 999) / 1000)))));
        }
        Credentials credentials = Credentials.of(request.headers(), auth.bearerCookie());
        Verdict.Refused refused = null;
        for (Authenticator scheme : schemes) {
            Verdict v = scheme.check(credentials);
            if (v instanceof Verdict.Admitted a) {
                throttle.succeeded(request.remoteAddr());
                return new Decision(a.identity(), null);
            }
            if (v instanceof Verdict.Refused r && refused == null) {
                refused = r;
            }
        }
        if (refused != null) {
            throttle.failed(request.remoteAddr());
            log.access("http", "AUTH REFUSED (401): %s%s", refused.reason(),
                    refused.user().isEmpty() ? "" : " (user '" + refused.user() + "')");
            return new Decision(null, challenge);
        }
        if (!request.principal().isEmpty()) {
            return new Decision(transport(request), null);
        }
        if (auth.required()) {
            log.access("http", "AUTH REFUSED (401): no credentials");
            return new Decision(null, challenge);
        }
        return new Decision(Identity.NONE, null);
    }

    /** Who the transport says the client is (a TLS client certificate, the container's user), or nobody. */
    private static Identity transport(HandshakeInfo request) {
        return request.principal().isEmpty() ? Identity.NONE
                : new Identity(request.principal(), request.principalType());
    }
}
