package io.procsocket.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.procsocket.config.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * --jwt-jwks=FILE with --jwt-issuer and --jwt-audience: signed JWTs (RS256, ES256, EdDSA) checked against the public
 * keys of a JSON Web Key Set read once at start-up; the subject becomes REMOTE_USER. Signatures are nimbus-jose-jwt's;
 * the algorithm allow-list and key choice are ours, so a token can never pick its own verification (alg none, or
 * HS256 keyed with a public key).
 */
public final class JwtAuthenticator implements Authenticator {
    /** Refused before parsing: a header-sized token is plenty, and a huge one must not cost a parse. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;
    /** Clocks of the issuer and of this host drift; a minute is the usual allowance. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    /** A key set is a few KiB; a file far larger is the wrong file. */
    private static final long MAX_JWKS_BYTES = 1024 * 1024;
    private static final Map<JWSAlgorithm, String> KEY_TYPES =
            Map.of(JWSAlgorithm.RS256, "RSA", JWSAlgorithm.ES256, "EC P-256", JWSAlgorithm.EdDSA, "OKP Ed25519");
    private static final System.Logger LOG = System.getLogger(JwtAuthenticator.class.getName());

    private record Key(String kid, JWSAlgorithm alg, JWSVerifier verifier) { }

    private final List<Key> keys;
    private final String issuer;
    private final String audience;
    private final Clock clock;

    private JwtAuthenticator(List<Key> keys, String issuer, String audience, Clock clock) {
        this.keys = List.copyOf(keys);
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
    }

    /** Reads the key set; a file that cannot be read, does not parse or holds no usable public key is one line. */
    public static JwtAuthenticator load(Path jwks, String issuer, String audience) throws UsageException {
        return load(jwks, issuer, audience, Clock.systemUTC());
    }

    static JwtAuthenticator load(Path jwks, String issuer, String audience, Clock clock) throws UsageException {
        if (issuer == null || issuer.isBlank()) {
            throw new UsageException("--jwt-issuer must not be empty");
        }
        if (audience == null || audience.isBlank()) {
            throw new UsageException("--jwt-audience must not be empty");
        }
        String where = "--jwt-jwks " + jwks + ": ";
        JWKSet set;
        try {
            if (Files.size(jwks) > MAX_JWKS_BYTES) {
                throw new UsageException(where + "larger than 1 MiB, not a key set");
            }
            set = JWKSet.parse(Files.readString(jwks, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new UsageException(where + "no such file");
        } catch (IOException e) {
            throw new UsageException(where + "cannot read it: " + oneLine(e.getMessage()));
        } catch (ParseException e) {
            throw new UsageException(where + "not a JSON Web Key Set: " + oneLine(e.getMessage()));
        }
        List<Key> keys = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            try {
                Key key = usable(jwk);
                if (key != null) {
                    keys.add(key);
                } else {
                    LOG.log(System.Logger.Level.INFO, "--jwt-jwks: key " + jwk.getKeyID()
                            + " skipped (not an RS256, ES256 or EdDSA signing key)");
                }
            } catch (JOSEException e) {
                throw new UsageException(where + "key " + jwk.getKeyID() + ": " + oneLine(e.getMessage()));
            }
        }
        if (keys.isEmpty()) {
            throw new UsageException(where + "no RSA, EC P-256 or Ed25519 public signing key in it");
        }
        return new JwtAuthenticator(keys, issuer, audience, clock);
    }

    /** The key's verifier, or null for a key this scheme never verifies with (encryption, HMAC, other curves). */
    private static Key usable(JWK jwk) throws JOSEException {
        if (KeyUse.ENCRYPTION.equals(jwk.getKeyUse())) {
            return null;
        }
        // Only the public half: a set that also holds private parts still verifies, and they go no further.
        JWK pub = jwk.toPublicJWK();
        JWSAlgorithm alg;
        JWSVerifier verifier;
        if (pub instanceof RSAKey rsa) {
            if (rsa.size() < 2048) {
                throw new JOSEException("RSA keys shorter than 2048 bits are not accepted");
            }
            alg = JWSAlgorithm.RS256;
            verifier = new RSASSAVerifier(rsa);
        } else if (pub instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
            alg = JWSAlgorithm.ES256;
            verifier = new ECDSAVerifier(ec);
        } else if (pub instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
            alg = JWSAlgorithm.EdDSA;
            verifier = new Ed25519Verifier(okp);
        } else {
            return null;
        }
        // A key that names its algorithm is used for that one only (RFC 7517 4.4).
        if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().getName().equals(alg.getName())) {
            return null;
        }
        return new Key(jwk.getKeyID(), alg, verifier);
    }

    @Override
    public String scheme() {
        return "JWT";
    }

    @Override
    public Verdict check(Credentials credentials) {
        String token = credentials.bearer();
        if (token == null) {
            return Verdict.ABSENT;
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            return refused("token longer than 16 KiB", "");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            // Not a JWT at all: an opaque token that --bearer may know.
            return Verdict.ABSENT;
        }
        if (!(jwt instanceof SignedJWT signed)) {
            return refused("unsigned or encrypted token", "");
        }
        JWSHeader header = signed.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (!KEY_TYPES.containsKey(alg)) {
            return refused("algorithm " + alg + " is not accepted", "");
        }
        String kid = header.getKeyID();
        List<Key> candidates = keys.stream()
                .filter(k -> k.alg.equals(alg) && (kid == null || kid.equals(k.kid)))
                .toList();
        if (candidates.isEmpty()) {
            return refused(kid == null ? "no " + KEY_TYPES.get(alg) + " key for " + alg : "unknown key id", "");
        }
        if (!verifiedByAny(signed, candidates)) {
            return refused("bad signature", "");
        }
        return checkClaims(signed);
    }

    private static boolean verifiedByAny(SignedJWT signed, List<Key> candidates) {
        for (Key key : candidates) {
            try {
                if (signed.verify(key.verifier)) {
                    return true;
                }
            } catch (JOSEException | IllegalStateException e) {
                // A signature of the wrong shape for this key: try the next one.
            }
        }
        return false;
    }

    /** The signature holds, so the subject is the issuer's word and may name the refusal in the log. */
    private Verdict checkClaims(SignedJWT signed) {
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            return refused("claims are not a JWT claims set", "");
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isBlank()) {
            return refused("no subject", "");
        }
        if (!issuer.equals(claims.getIssuer())) {
            return refused("wrong issuer", sub);
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
            return refused("wrong audience", sub);
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        // A token without an expiry would be a password for life.
        if (exp == null) {
            return refused("no expiry", sub);
        }
        if (now.isAfter(exp.toInstant().plus(CLOCK_SKEW))) {
            return refused("expired", sub);
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(CLOCK_SKEW).isBefore(nbf.toInstant())) {
            return refused("not yet valid", sub);
        }
        return new Verdict.Admitted(new Identity(sub, "JWT"));
    }

    private static Verdict refused(String reason, String user) {
        return new Verdict.Refused(reason, user);
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s+", " ").trim();
    }
}
