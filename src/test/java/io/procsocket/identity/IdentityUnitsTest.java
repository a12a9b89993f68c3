package io.procsocket.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.config.UsageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials, the bearer digests and the failure throttle, with no server. */
class IdentityUnitsTest {
    @TempDir
    Path dir;

    private static List<Map.Entry<String, String>> headers(String... nameValue) {
        List<Map.Entry<String, String>> h = new java.util.ArrayList<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            h.add(Map.entry(nameValue[i], nameValue[i + 1]));
        }
        return h;
    }

    @Test
    void basicCredentialsSplitAtTheFirstColonOnly() {
        String b64 = Base64.getEncoder().encodeToString("bob:pa:ss wörd".getBytes(StandardCharsets.UTF_8));
        Credentials c = Credentials.of(headers("authorization", "Basic " + b64), null);
        assertEquals("bob", c.basicUser());
        assertEquals("pa:ss wörd", c.basicPassword());
        assertNull(c.bearer());
        assertNull(Credentials.of(headers("Authorization", "Basic !!notbase64"), null).basicUser());
        assertNull(Credentials.of(headers("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString("nocolon".getBytes(StandardCharsets.UTF_8))), null).basicUser());
    }

    @Test
    void bearerComesFromTheHeaderThenTheSubprotocolThenTheCookieNeverTheQuery() {
        assertEquals("h", Credentials.of(headers("Authorization", "Bearer h", "Sec-WebSocket-Protocol", "bearer.s",
                "Cookie", "t=c"), "t").bearer());
        assertEquals("s", Credentials.of(headers("Sec-WebSocket-Protocol", "procsocket.v1, bearer.s",
                "Cookie", "t=c"), "t").bearer());
        assertEquals("c", Credentials.of(headers("Cookie", "a=1", "Cookie", "x=2; t=\"c\""), "t").bearer());
        assertNull(Credentials.of(headers("Cookie", "t=c"), null).bearer(), "no cookie without --bearer-cookie");
        assertNull(Credentials.of(headers("Sec-WebSocket-Protocol", "bearer."), null).bearer());
        assertNull(Credentials.of(headers("Authorization", "Bearer "), null).bearer());
    }

    @Test
    void credentialsNeverPrintTheirSecrets() {
        String b64 = Base64.getEncoder().encodeToString("bob:hunter2".getBytes(StandardCharsets.UTF_8));
        String text = Credentials.of(headers("Authorization", "Basic " + b64, "Cookie", "t=tok3n"), "t")
                .toString();
        assertFalse(text.contains("hunter2") || text.contains("tok3n"), text);
    }

    @Test
    void bearerDigestsAdmitTheirTokenWithItsNameAndRefuseOthers() throws Exception {
        String hex = HexFormat.of().formatHex(BearerAuthenticator.sha256("t1"));
        String hex2 = HexFormat.of().formatHex(BearerAuthenticator.sha256("t2"));
        Path f = Files.writeString(dir.resolve("t"), "# tokens\n\n" + hex + "  alice\n" + hex2.toUpperCase() + "  -\n");
        BearerAuthenticator b = BearerAuthenticator.load(f);
        assertEquals(new Identity("alice", "Bearer"),
                ((Verdict.Admitted) b.check(new Credentials(null, null, "t1"))).identity());
        assertTrue(((Verdict.Admitted) b.check(new Credentials(null, null, "t2"))).identity().user()
                .startsWith("bearer-"), "a sha256sum line of stdin (\"-\") has no name");
        assertInstanceOf(Verdict.Refused.class, b.check(new Credentials(null, null, "t3")));
        assertInstanceOf(Verdict.Absent.class, b.check(Credentials.NONE));
    }

    @Test
    void bearerFileWithATokenInsteadOfADigestIsRefusedNamingTheLine() throws Exception {
        Path f = Files.writeString(dir.resolve("t"), HexFormat.of().formatHex(BearerAuthenticator.sha256("x"))
                + "\nmy-plain-token\n");
        UsageException e = assertThrows(UsageException.class, () -> BearerAuthenticator.load(f));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("sha256sum"), e.getMessage());
        Path empty = Files.writeString(dir.resolve("e"), "# nothing\n");
        assertThrows(UsageException.class, () -> BearerAuthenticator.load(empty));
    }

    @Test
    void throttleLetsThreeMistakesGoThenDoublesTheWaitAndForgetsOnSuccess() {
        AtomicLong now = new AtomicLong(1_000_000);
        FailureThrottle t = new FailureThrottle(now::get);
        for (int i = 0; i < FailureThrottle.FREE_FAILURES; i++) {
            t.failed("a");
            assertEquals(0, t.waitMs("a"), "mistake " + (i + 1) + " is free");
        }
        t.failed("a");
        assertEquals(FailureThrottle.FIRST_DELAY_MS, t.waitMs("a"));
        assertEquals(0, t.waitMs("b"), "other addresses are not slowed");
        now.addAndGet(FailureThrottle.FIRST_DELAY_MS);
        t.failed("a");
        assertEquals(2 * FailureThrottle.FIRST_DELAY_MS, t.waitMs("a"));
        for (int i = 0; i < 40; i++) {
            t.failed("a");
        }
        assertEquals(FailureThrottle.MAX_DELAY_MS, t.waitMs("a"), "capped");
        t.succeeded("a");
        assertEquals(0, t.waitMs("a"));
        t.failed("c");
        now.addAndGet(FailureThrottle.FORGET_MS + 1);
        assertEquals(0, t.waitMs("c"));
    }

    @Test
    void throttleRemembersABoundedNumberOfAddresses() {
        FailureThrottle t = new FailureThrottle(() -> 0);
        for (int i = 0; i < FailureThrottle.MAX_ADDRESSES + 100; i++) {
            String a = "10.0." + (i >> 8) + "." + (i & 255);
            for (int k = 0; k <= FailureThrottle.FREE_FAILURES; k++) {
                t.failed(a);
            }
        }
        assertEquals(0, t.waitMs("10.0.0.0"), "the oldest was forgotten");
        assertTrue(t.waitMs("10.0.39.115") > 0, "a recent one is remembered");
    }
}
