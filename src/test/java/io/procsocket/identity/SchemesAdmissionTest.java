package io.procsocket.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.procsocket.parity.RawHttp;
import io.procsocket.testing.Htpasswd;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterLog;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --basicauth and --jwt-jwks through a real server and real files (htpasswd made by Debian's htpasswd), and the
 * --authorize hook: who gets a program, what it sees, and what a refusal looks like on the wire.
 */
class SchemesAdmissionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Path whoScript() throws Exception {
        return TesterScripts.sh(dir, "who.sh", "echo \"$REMOTE_USER|$AUTH_TYPE\"");
    }

    private static String firstLine(TesterServer server, String extraHeaders) throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(server.port(), "/", WAIT, 0, extraHeaders)) {
            return ws.readFrame().text();
        }
    }

    private static String basic(String user, String password) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8)) + "\r\n";
    }

    @Test
    void basicAuthChallengesThenAdmitsTheRightPasswordAndNamesTheUser() throws Exception {
        Path users = dir.resolve("users");
        Htpasswd.run("-B", "-b", "-c", users.toString(), "alice", "wonder land");
        try (TesterLog log = TesterLog.capture();
             TesterServer server = TesterServer.start("--basicauth=" + users, "--realm=ops", "--devconsole",
                     whoScript().toString())) {
            RawHttp.Reply none = RawHttp.upgrade(server.port(), "/", "");
            assertEquals(401, none.status());
            assertEquals("Basic realm=\"ops\", charset=\"UTF-8\"", none.header("WWW-Authenticate"));
            RawHttp.Reply wrong = RawHttp.upgrade(server.port(), "/", basic("alice", "guess"));
            assertEquals(401, wrong.status());
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("AUTH REFUSED (401): wrong user or password (user 'alice')")),
                    String.join("\n", log.lines()));
            assertFalse(String.join("\n", log.lines()).contains("guess"), "a password is never logged");
            assertEquals("alice|Basic", firstLine(server, basic("alice", "wonder land")));
            // The console page asks too, so a browser prompts before its WebSocket needs the credentials.
            assertEquals(401, RawHttp.get(server.port(), "/").status());
            RawHttp.Reply page = RawHttp.exchange(server.port(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + basic("alice", "wonder land") + "Connection: close\r\n\r\n");
            assertEquals(200, page.status());
        }
    }

    @Test
    void aWeakHtpasswdEntryStopsTheStartWithOneLineNamingTheUser() throws Exception {
        Path users = dir.resolve("users");
        Htpasswd.run("-B", "-b", "-c", users.toString(), "alice", "a");
        Htpasswd.run("-m", "-b", users.toString(), "bob", "b");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TesterServer.start("--basicauth=" + users, "cat").close());
        assertTrue(e.getMessage().contains("bob") && e.getMessage().contains("MD5") && !e.getMessage().contains("\n"),
                e.getMessage());
    }

    @Test
    void aJwtInTheSubprotocolAdmitsItsSubjectAndAnExpiredOneIsRefused() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        Path jwks = Files.writeString(dir.resolve("jwks.json"), new JWKSet(List.<JWK>of(key)).toPublicJWKSet().toString());
        try (TesterServer server = TesterServer.start("--jwt-jwks=" + jwks, "--jwt-issuer=https://idp.test",
                "--jwt-audience=procsocket", whoScript().toString())) {
            String good = jwt(key, "carol", Instant.now().plusSeconds(300));
            assertEquals("carol|JWT", firstLine(server, "Sec-WebSocket-Protocol: procsocket.lines, bearer." + good + "\r\n"));
            assertEquals("carol|JWT", firstLine(server, "Authorization: Bearer " + good + "\r\n"));
            String expired = jwt(key, "carol", Instant.now().minusSeconds(3600));
            RawHttp.Reply refused = RawHttp.upgrade(server.port(), "/", "Authorization: Bearer " + expired + "\r\n");
            assertEquals(401, refused.status());
            assertTrue(refused.header("WWW-Authenticate").startsWith("Bearer"));
        }
    }

    @Test
    void theAuthorizeHookAdmitsOnExitZeroWithTheRequestsEnvironmentAndRefusesOtherwise() throws Exception {
        Path seen = dir.resolve("seen");
        // Admits alice on /ok only; records what it was given.
        Path hook = TesterScripts.sh(dir, "hook.sh", "echo \"$REMOTE_USER $PATH_INFO $HTTP_X_TEAM\" >> " + seen + "\n"
                + "[ \"$HTTP_X_TEAM\" = blue ]");
        Path users = dir.resolve("users");
        Htpasswd.run("-B", "-b", "-c", users.toString(), "alice", "pw");
        try (TesterServer server = TesterServer.start("--basicauth=" + users, "--authorize=" + hook,
                "--dir=" + Files.createDirectories(dir.resolve("scripts")))) {
            TesterScripts.sh(dir.resolve("scripts"), "who.sh", "echo \"$REMOTE_USER\"");
            assertEquals("alice", firstLineAt(server, "/who.sh", basic("alice", "pw") + "X-Team: blue\r\n"));
            RawHttp.Reply red = RawHttp.upgrade(server.port(), "/who.sh", basic("alice", "pw") + "X-Team: red\r\n");
            assertEquals(403, red.status());
            assertEquals(List.of("alice  blue", "alice  red"), Files.readAllLines(seen));
        }
    }

    @Test
    void aHookThatHangsIsKilledAndTheUpgradeRefused() throws Exception {
        Path pidFile = dir.resolve("hook.pid");
        Path hook = TesterScripts.sh(dir, "hang.sh", "echo $$ > " + pidFile + "; exec sleep 600");
        try (TesterLog log = TesterLog.capture();
             TesterServer server = TesterServer.start("--authorize=" + hook, "cat")) {
            long t0 = System.nanoTime();
            RawHttp.Reply r = RawHttp.upgrade(server.port(), "/", "");
            assertEquals(403, r.status());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(9), "answered within the hook's bound");
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            io.procsocket.gateway.Procs.awaitGone(pid, Duration.ofSeconds(5));
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("did not answer within 5000 ms")));
        }
    }

    private static String firstLineAt(TesterServer server, String path, String extraHeaders) throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(server.port(), path, WAIT, 0, extraHeaders)) {
            return ws.readFrame().text();
        }
    }

    private static String jwt(ECKey key, String subject, Instant expires) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).issuer("https://idp.test")
                .audience("procsocket").issueTime(Date.from(expires.minusSeconds(600)))
                .expirationTime(Date.from(expires)).build();
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(), claims);
        token.sign(new ECDSASigner(key));
        return token.serialize();
    }
}
