package io.procsocket.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KillSequenceTest {
    @Test
    void websocketdTimingsWithoutClosems() {
        assertEquals(List.of(
                new KillSequence.Step(Duration.ZERO, 0),
                new KillSequence.Step(Duration.ofMillis(100), Signals.SIGINT),
                new KillSequence.Step(Duration.ofMillis(250), Signals.SIGTERM),
                new KillSequence.Step(Duration.ofMillis(500), Signals.SIGKILL)), KillSequence.steps(0));
    }

    @Test
    void closemsIsAddedToEveryWaitButStdinStillClosesAtOnce() {
        assertEquals(List.of(
                new KillSequence.Step(Duration.ZERO, 0),
                new KillSequence.Step(Duration.ofMillis(1100), Signals.SIGINT),
                new KillSequence.Step(Duration.ofMillis(1250), Signals.SIGTERM),
                new KillSequence.Step(Duration.ofMillis(1500), Signals.SIGKILL)), KillSequence.steps(1000));
    }

    @Test
    void signalNumbersAreLinuxOnes() {
        assertEquals(2, Signals.SIGINT);
        assertEquals(15, Signals.SIGTERM);
        assertEquals(9, Signals.SIGKILL);
    }
}
