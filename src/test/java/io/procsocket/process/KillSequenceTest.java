package io.procsocket.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KillSequenceTest {
    @Test
    void websocketdTimingsWithoutClosems() {
        assertEquals(List.of(
                new KillSequence.Step(Duration.ZERO, null),
                new KillSequence.Step(Duration.ofMillis(100), Signal.INT),
                new KillSequence.Step(Duration.ofMillis(250), Signal.TERM),
                new KillSequence.Step(Duration.ofMillis(500), Signal.KILL)), KillSequence.steps(0));
    }

    @Test
    void closemsIsAddedToEveryWaitButStdinStillClosesAtOnce() {
        assertEquals(List.of(
                new KillSequence.Step(Duration.ZERO, null),
                new KillSequence.Step(Duration.ofMillis(1100), Signal.INT),
                new KillSequence.Step(Duration.ofMillis(1250), Signal.TERM),
                new KillSequence.Step(Duration.ofMillis(1500), Signal.KILL)), KillSequence.steps(1000));
    }

    @Test
    void signalNumbersAreLinuxOnes() {
        assertEquals(2, Signal.INT.linuxNumber());
        assertEquals(15, Signal.TERM.linuxNumber());
        assertEquals(9, Signal.KILL.linuxNumber());
    }
}
