package io.procsocket.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.procsocket.config.UsageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtAuthenticatorTest {
    private static final String ISSUER = "https://idp.example";
    private static final String AUDIENCE = "procsocket";
    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

    private static RSAKey rsa;
    private static ECKey ec;
    private static OctetKeyPair ed;
    /** Same kid as {@link #rsa}, not in the key set: what a forger holds. */
    private static RSAKey impostor;

    @TempDir
    static Path dir;
    private static JwtAuthenticator jwt;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        ed = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-1").generate();
        impostor = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        Path jwks = write("jwks.json", new JWKSet(List.<JWK>of(rsa, ec, ed)).toPublicJWKSet().toString());
        jwt = JwtAuthenticator.load(jwks, ISSUER, AUDIENCE, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder()
                .subject("alice")
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .issueTime(Date.from(NOW))
                .expirationTime(Date.from(NOW.plusSeconds(300)));
    }

    private static String sign(JWSAlgorithm alg, String kid, JWSSigner signer, JWTClaimsSet claims)
            throws JOSEException {
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        token.sign(signer);
        return token.serialize();
    }

    private static String rs256(UnaryOperator<JWTClaimsSet.Builder> edit) throws JOSEException {
        return sign(JWSAlgorithm.RS256, rsa.getKeyID(), new RSASSASigner(rsa), edit.apply(claims()).build());
    }

    private static Verdict check(String token) {
        return jwt.check(new Credentials(null, null, token));
    }

    private static void assertAdmitted(String token) {
        Verdict v = check(token);
        assertEquals(new Verdict.Admitted(new Identity("alice", "JWT")), v);
    }

    private static Verdict.Refused assertRefused(String token, String user) {
        Verdict.Refused refused = assertInstanceOf(Verdict.Refused.class, check(token));
        assertEquals(user, refused.user());
        assertFalse(refused.reason().contains(token), "the reason never holds the token");
        return refused;
    }

    @Test
    void schemeIsJwt() {
        assertEquals("JWT", jwt.scheme());
    }

    @Test
    void rs256TokenAdmitsItsSubject() throws Exception {
        assertAdmitted(rs256(b -> b));
    }

    @Test
    void es256TokenAdmitsItsSubject() throws Exception {
        assertAdmitted(sign(JWSAlgorithm.ES256, ec.getKeyID(), new ECDSASigner(ec), claims().build()));
    }

    @Test
    void edDsaTokenAdmitsItsSubject() throws Exception {
        assertAdmitted(sign(JWSAlgorithm.EdDSA, ed.getKeyID(), new Ed25519Signer(ed), claims().build()));
    }

    @Test
    void tokenWithoutKidIsCheckedAgainstEveryKeyOfItsType() throws Exception {
        assertAdmitted(sign(JWSAlgorithm.ES256, null, new ECDSASigner(ec), claims().build()));
    }

    @Test
    void noCredentialsIsAbsent() {
        assertEquals(Verdict.ABSENT, jwt.check(Credentials.NONE));
    }

    @Test
    void opaqueBearerTokenIsLeftToOtherSchemes() {
        assertEquals(Verdict.ABSENT, check("3f1c9a0d5e7b4c2a"));
        assertEquals(Verdict.ABSENT, check("not.a.jwt"));
    }

    @Test
    void expiredTokenIsRefusedWithItsSubject() throws Exception {
        assertRefused(rs256(b -> b.expirationTime(Date.from(NOW.minusSeconds(61)))), "alice");
    }

    @Test
    void tokenExpiredWithinClockSkewIsAdmitted() throws Exception {
        assertAdmitted(rs256(b -> b.expirationTime(Date.from(NOW.minusSeconds(59)))));
    }

    @Test
    void tokenNotYetValidIsRefused() throws Exception {
        assertRefused(rs256(b -> b.notBeforeTime(Date.from(NOW.plusSeconds(61)))), "alice");
    }

    @Test
    void tokenValidSoonWithinClockSkewIsAdmitted() throws Exception {
        assertAdmitted(rs256(b -> b.notBeforeTime(Date.from(NOW.plusSeconds(59)))));
    }

    @Test
    void tokenWithoutExpiryIsRefused() throws Exception {
        assertRefused(rs256(b -> b.expirationTime(null)), "alice");
    }

    @Test
    void wrongAudienceIsRefused() throws Exception {
        assertRefused(rs256(b -> b.audience("another-service")), "alice");
    }

    @Test
    void audienceListContainingOursIsAdmitted() throws Exception {
        assertAdmitted(rs256(b -> b.audience(List.of("another-service", AUDIENCE))));
    }

    @Test
    void missingAudienceIsRefused() throws Exception {
        assertRefused(rs256(b -> b.audience((String) null)), "alice");
    }

    @Test
    void wrongIssuerIsRefused() throws Exception {
        assertRefused(rs256(b -> b.issuer("https://evil.example")), "alice");
    }

    @Test
    void missingSubjectIsRefused() throws Exception {
        assertRefused(rs256(b -> b.subject(null)), "");
    }

    @Test
    void tokenSignedByAnotherKeyWithTheSameKidIsRefusedWithoutNamingItsClaimedSubject() throws Exception {
        String forged = sign(JWSAlgorithm.RS256, "rsa-1", new RSASSASigner(impostor), claims().build());
        assertEquals("bad signature", assertRefused(forged, "").reason());
    }

    @Test
    void edDsaTokenSignedByAnotherKeyWithTheSameKidIsRefused() throws Exception {
        OctetKeyPair other = new OctetKeyPairGenerator(Curve.Ed25519).keyID(ed.getKeyID()).generate();
        String forged = sign(JWSAlgorithm.EdDSA, ed.getKeyID(), new Ed25519Signer(other), claims().build());
        assertEquals("bad signature", assertRefused(forged, "").reason());
    }

    @Test
    void unknownKidIsRefused() throws Exception {
        String token = sign(JWSAlgorithm.RS256, "rsa-9", new RSASSASigner(impostor), claims().build());
        assertEquals("unknown key id", assertRefused(token, "").reason());
    }

    @Test
    void kidOfAKeyOfAnotherTypeIsRefused() throws Exception {
        assertRefused(sign(JWSAlgorithm.RS256, ec.getKeyID(), new RSASSASigner(rsa), claims().build()), "");
    }

    @Test
    void unsignedTokenIsRefused() {
        assertRefused(new PlainJWT(claims().build()).serialize(), "");
    }

    @Test
    void hs256KeyedWithThePublicKeyIsRefused() throws Exception {
        // The classic confusion: a verifier that lets the token pick HMAC would check it with the public key.
        byte[] publicKey = rsa.toRSAPublicKey().getEncoded();
        String token = sign(JWSAlgorithm.HS256, rsa.getKeyID(), new MACSigner(publicKey), claims().build());
        assertTrue(assertRefused(token, "").reason().contains("HS256"));
    }

    @Test
    void tamperedClaimsAreRefused() throws Exception {
        String[] parts = rs256(b -> b).split("\\.");
        String other = rs256(b -> b.subject("root")).split("\\.")[1];
        assertRefused(parts[0] + "." + other + "." + parts[2], "");
    }

    @Test
    void oversizeTokenIsRefusedBeforeParsing() {
        assertRefused("x".repeat(JwtAuthenticator.MAX_TOKEN_CHARS + 1), "");
    }

    @Test
    void missingKeySetFileIsOneLine() {
        assertUsage(dir.resolve("absent.json"), "no such file");
    }

    @Test
    void keySetThatIsNotJsonIsOneLine() throws Exception {
        assertUsage(write("garbage.json", "{\"keys\": [\n oops"), "not a JSON Web Key Set");
    }

    @Test
    void keySetWithNoKeysIsOneLine() throws Exception {
        assertUsage(write("empty.json", "{\"keys\": []}"), "no RSA, EC P-256 or Ed25519 public signing key");
    }

    @Test
    void keySetOfOnlySecretKeysIsOneLine() throws Exception {
        OctetSequenceKey hmac = new OctetSequenceKeyGenerator(256).keyID("hmac").generate();
        assertUsage(write("secret.json", new JWKSet(hmac).toString(false)), "no RSA, EC P-256 or Ed25519");
    }

    @Test
    void emptyIssuerOrAudienceIsOneLine() throws Exception {
        Path jwks = write("ok.json", new JWKSet(rsa.toPublicJWK()).toString());
        UsageException noIssuer = assertThrows(UsageException.class, () -> JwtAuthenticator.load(jwks, "", AUDIENCE));
        assertTrue(noIssuer.getMessage().contains("--jwt-issuer"));
        UsageException noAud = assertThrows(UsageException.class, () -> JwtAuthenticator.load(jwks, ISSUER, " "));
        assertTrue(noAud.getMessage().contains("--jwt-audience"));
    }

    private static void assertUsage(Path jwks, String expected) {
        UsageException e = assertThrows(UsageException.class, () -> JwtAuthenticator.load(jwks, ISSUER, AUDIENCE));
        assertTrue(e.getMessage().startsWith("--jwt-jwks " + jwks + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
