package io.procsocket.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The resume buffer, the tokens and the subprotocol check, with no server. */
class OutputLogTest {
    @Test
    void seqCountsFromOneAndNothingIsKeptWithoutResume() {
        OutputLog log = new OutputLog(0);
        assertEquals(1, log.next());
        log.keep(1, "a", 1);
        assertEquals(2, log.next());
        log.keep(2, "b", 1);
        assertEquals(0, log.keptBytes());
        OutputLog.Replay r = log.after(0);
        assertTrue(r.missed(), "with nothing kept, a resuming client missed all");
        assertEquals(1, r.missedFrom());
        assertEquals(2, r.missedTo());
        assertEquals(List.of(), r.messages());
    }

    @Test
    void replayIsEverythingAfterSinceInOrderWithNothingMissed() {
        OutputLog log = new OutputLog(1 << 20);
        for (int i = 1; i <= 5; i++) {
            log.keep(log.next(), "m" + i, 2);
        }
        OutputLog.Replay r = log.after(2);
        assertFalse(r.missed());
        assertEquals(List.of("m3", "m4", "m5"), r.messages());
        assertEquals(List.of(), log.after(5).messages());
    }

    @Test
    void oldestGoFirstOverTheBoundCountingOverheadSoEmptyLinesAreBoundedToo() {
        long bound = 10L * OutputLog.OVERHEAD;
        OutputLog log = new OutputLog(bound);
        for (int i = 1; i <= 1000; i++) {
            log.keep(log.next(), "", 0);
        }
        assertTrue(log.keptBytes() <= bound, "kept " + log.keptBytes());
        OutputLog.Replay r = log.after(0);
        assertEquals(1, r.missedFrom());
        assertEquals(990, r.missedTo());
        assertEquals(10, r.messages().size());
    }

    @Test
    void oneMessageOverTheWholeBoundIsNotKept() {
        OutputLog log = new OutputLog(100);
        log.keep(log.next(), "huge", 1000);
        assertEquals(0, log.keptBytes());
        assertEquals(1, log.after(0).missedTo());
    }

    @Test
    void sinceAheadOfTheOutputIsRefused() {
        OutputLog log = new OutputLog(100);
        log.keep(log.next(), "x", 1);
        assertNull(log.after(2));
    }

    @Test
    void tokensAreUnguessableLongAndSpentOnUse() {
        ResumeTokens<String> tokens = new ResumeTokens<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String t = tokens.issue("p");
            assertTrue(t.length() >= 22, "at least 128 bits of base64url: " + t);
            assertTrue(t.matches("[A-Za-z0-9_-]+"), t);
            assertTrue(seen.add(t), "no token twice");
        }
        String t = tokens.issue("program");
        assertSame("program", tokens.take(t));
        assertNull(tokens.take(t), "spent");
        tokens.restore(t, "program");
        assertSame("program", tokens.take(t));
        tokens.revoke(tokens.issue("gone"));
        assertNull(tokens.take(null));
        assertNotEquals(0, tokens.size());
    }

    @Test
    void subprotocolIsOfferedAnywhereInTheListOrRepeatedHeadersCaseSensitively() {
        assertTrue(Subprotocol.offered(List.of(Map.entry("Sec-WebSocket-Protocol", "procsocket.v1"))));
        assertTrue(Subprotocol.offered(List.of(Map.entry("sec-websocket-protocol", "chat, procsocket.v1 "))));
        assertTrue(Subprotocol.offered(List.of(Map.entry("Sec-WebSocket-Protocol", "chat"),
                Map.entry("Sec-WebSocket-Protocol", "procsocket.v1"))));
        assertFalse(Subprotocol.offered(List.of(Map.entry("Sec-WebSocket-Protocol", "Procsocket.V1"))));
        assertFalse(Subprotocol.offered(List.of(Map.entry("Sec-WebSocket-Protocol", "procsocket.v10"))));
        assertFalse(Subprotocol.offered(List.of(Map.entry("X-Protocol", "procsocket.v1"))));
        assertFalse(Subprotocol.offered(List.of()));
    }
}
