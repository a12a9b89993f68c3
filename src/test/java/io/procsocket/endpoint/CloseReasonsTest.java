package io.procsocket.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CloseReasonsTest {
    @Test
    void exitZeroIsNormalClosure() {
        CloseReason r = CloseReasons.forExit(0);
        assertEquals(1000, r.getCloseCode().getCode());
        assertEquals("exit status 0", r.getReasonPhrase());
    }

    @Test
    void nonZeroExitIsUnexpectedConditionWithTheStatus() {
        CloseReason r = CloseReasons.forExit(3);
        assertEquals(1011, r.getCloseCode().getCode());
        assertEquals("exit status 3", r.getReasonPhrase());
        assertEquals("exit status 137", CloseReasons.forExit(137).getReasonPhrase());
    }

    @Test
    void unknownExitIsStillAnError() {
        assertEquals(1011, CloseReasons.forExit(-1).getCloseCode().getCode());
    }

    @Test
    void shortReasonIsUntouched() {
        String s = "launch failed: x";
        assertSame(s, CloseReasons.truncate(s));
    }

    @Test
    void longReasonFitsACloseFrameWithoutSplittingACharacter() {
        String t = CloseReasons.truncate("é".repeat(100));
        assertEquals("é".repeat(61), t);
        assertTrue(t.getBytes(StandardCharsets.UTF_8).length <= 123);
        assertEquals(123, CloseReasons.truncate("a".repeat(500)).length());
        String mixed = CloseReasons.truncate("a" + "€".repeat(60));
        assertEquals("a" + "€".repeat(40), mixed);
    }
}
