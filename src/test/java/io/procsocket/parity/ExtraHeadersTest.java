package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.procsocket.testing.TesterServer;
import org.junit.jupiter.api.Test;

/** --header on every response, --header-ws on the 101 only, --header-http on plain HTTP only. */
class ExtraHeadersTest {
    @Test
    void eachHeaderFlagReachesOnlyItsKindOfResponse() throws Exception {
        try (TesterServer server = TesterServer.start("--header=X-All: everywhere", "--header=X-All: twice",
                "--header-ws=X-Ws: upgrade", "--header-http", "X-Http: plain", "cat")) {
            RawHttp.Reply upgrade = RawHttp.upgrade(server.port(), "/", "");
            assertEquals(101, upgrade.status());
            // Tyrus folds repeated names into one line, which HTTP defines as the same thing.
            assertEquals("everywhere, twice", String.join(", ", upgrade.headers().get("x-all")));
            assertEquals("upgrade", upgrade.header("X-Ws"));
            assertNull(upgrade.header("X-Http"));

            RawHttp.Reply plain = RawHttp.get(server.port(), "/");
            assertEquals(404, plain.status());
            assertEquals("everywhere, twice", String.join(", ", plain.headers().get("x-all")));
            assertEquals("plain", plain.header("X-Http"));
            assertNull(plain.header("X-Ws"));

        }
    }

    @Test
    void headersOnRefusedUpgradeCarryAllAndWsButNotHttp() throws Exception {
        try (TesterServer server = TesterServer.start("--header=X-All: a", "--header-ws=X-Ws: b",
                "--header-http=X-Http: c", "--origin=example.com", "cat")) {
            RawHttp.Reply refused = RawHttp.upgrade(server.port(), "/", "Origin: http://evil.example\r\n");
            assertEquals(403, refused.status());
            assertEquals("a", refused.header("X-All"));
            assertEquals("b", refused.header("X-Ws"));
            assertNull(refused.header("X-Http"));
        }
    }
}
