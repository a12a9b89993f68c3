package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.TesterServer;
import org.junit.jupiter.api.Test;

/** --devconsole must never paste the request path into the page unescaped, nor let another site frame it. */
class DevConsoleTest {
    @Test
    void thePageArrivesWithTheUrlItWasOpenedAtInItsUrlField() throws Exception {
        try (TesterServer server = TesterServer.start("--devconsole", "cat")) {
            RawHttp.Reply reply = RawHttp.get(server.port(), "/chat/room?user=ann&x=%22");
            assertEquals(200, reply.status());
            assertTrue(reply.body().contains("value=\"ws://127.0.0.1:" + server.port() + "/chat/room?user=ann&amp;x=%22\""),
                    "the URL, HTML-escaped, as websocketd's console has it");
            RawHttp.Reply hostile = RawHttp.get(server.port(), "/\"><script>alert(1)</script>");
            assertTrue(hostile.body().contains("value=\"ws://127.0.0.1:" + server.port()
                    + "/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""), "escaped");
        }
    }

    @Test
    void theConsoleCannotBeFramedByAnotherSite() throws Exception {
        try (TesterServer server = TesterServer.start("--devconsole", "cat")) {
            RawHttp.Reply reply = RawHttp.get(server.port(), "/");
            assertEquals(200, reply.status());
            assertEquals("frame-ancestors 'none'", reply.header("Content-Security-Policy"));
            assertEquals("DENY", reply.header("X-Frame-Options"));
        }
    }

    @Test
    void scriptInTheConsolePathIsNotReflected() throws Exception {
        try (TesterServer server = TesterServer.start("--devconsole", "cat")) {
            for (String target : new String[] {"/%3Cscript%3Ealert(1)%3C/script%3E",
                    "/x?%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E", "/\"><svg/onload=alert(1)>"}) {
                RawHttp.Reply reply = RawHttp.get(server.port(), target);
                assertEquals(200, reply.status(), target);
                String body = reply.body().toLowerCase(java.util.Locale.ROOT);
                assertFalse(body.contains("<script>alert(1)"), target);
                assertFalse(body.contains("<img"), target);
                assertFalse(body.contains("<svg/onload"), target);
                // The only reflection is the escaped URL in the field's value attribute.
                assertEquals(1, body.split("value=\"ws://127\\.0\\.0\\.1:" + server.port(), -1).length - 1, target);
            }
        }
    }
}
