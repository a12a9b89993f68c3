package io.procsocket.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.websocket.CloseReason;
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
}
