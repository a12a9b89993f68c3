package io.procsocket.process;

import java.time.Duration;
import java.util.List;

/**
 * websocketd's shutdown of a child whose client went away, as a table: close stdin at once, then
 * SIGINT after 100 ms, SIGTERM after a further 250 ms, SIGKILL after a further 500 ms. --closems
 * is added to every wait. Each signal goes to the whole process group, so grandchildren go too.
 */
public final class KillSequence {

    /** One row: wait this long after the previous step, then send this signal (0 = close stdin only). */
    public record Step(Duration delay, int signal) { }

    private static final List<Step> WEBSOCKETD = List.of(
            new Step(Duration.ZERO, 0),
            new Step(Duration.ofMillis(100), Signals.SIGINT),
            new Step(Duration.ofMillis(250), Signals.SIGTERM),
            new Step(Duration.ofMillis(500), Signals.SIGKILL));

    private KillSequence() { }

    public static List<Step> steps(long closeMs) {
        if (closeMs == 0) {
            return WEBSOCKETD;
        }
        return WEBSOCKETD.stream()
                .map(s -> s.signal() == 0 ? s : new Step(s.delay().plusMillis(closeMs), s.signal()))
                .toList();
    }
}
