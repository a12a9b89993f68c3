package io.procsocket.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RestartBackoffTest {
    @Test
    void doublesFromOneSecondToThirtyAndResetsAfterAMinuteOfRunning() {
        RestartBackoff b = new RestartBackoff();
        long[] want = {1000, 2000, 4000, 8000, 16000, 30000, 30000};
        for (long w : want) {
            assertEquals(w, b.afterExit(10));
        }
        assertEquals(1000, b.afterExit(60_000), "a minute of running resets it");
        assertEquals(2000, b.afterExit(59_999));
    }
}
