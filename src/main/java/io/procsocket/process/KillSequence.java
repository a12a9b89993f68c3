package io.procsocket.process;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * websocketd's shutdown of a child whose client went away, as a table: close stdin at once, then
 * SIGINT after 100 ms, SIGTERM after a further 250 ms, SIGKILL after a further 500 ms. --closems
 * is added to every wait. Each signal goes to the child's whole tree (see {@link ChildProcess#signalTree}),
 * and the sequence stops at the first step that finds nobody left.
 */
public final class KillSequence {

    /** One row: wait this long after the previous step, then send this signal (null = close stdin only). */
    public record Step(Duration delay, Signal signal) { }

    private static final List<Step> WEBSOCKETD = List.of(
            new Step(Duration.ZERO, null),
            new Step(Duration.ofMillis(100), Signal.INT),
            new Step(Duration.ofMillis(250), Signal.TERM),
            new Step(Duration.ofMillis(500), Signal.KILL));

    private KillSequence() { }

    public static List<Step> steps(long closeMs) {
        if (closeMs == 0) {
            return WEBSOCKETD;
        }
        return WEBSOCKETD.stream()
                .map(s -> s.signal() == null ? s : new Step(s.delay().plusMillis(closeMs), s.signal()))
                .toList();
    }

    /**
     * Runs the signal steps of the table for {@code child} (its stdin is the caller's to close first): each wait on
     * {@code timer}, each signal on {@code signaller}, which may be the timer itself when sending a signal never
     * blocks (kill(2)) and must be another thread when it may (the portable backend runs kill(1)).
     */
    static void run(ChildProcess child, long closeMs, ScheduledExecutorService timer, Executor signaller) {
        schedule(child, steps(closeMs), 1, timer, signaller);
    }

    private static void schedule(ChildProcess child, List<Step> steps, int index, ScheduledExecutorService timer,
                                 Executor signaller) {
        if (index >= steps.size()) {
            return;
        }
        Step step = steps.get(index);
        Runnable send = () -> {
            if (child.signalTree(step.signal())) {
                schedule(child, steps, index + 1, timer, signaller);
            }
        };
        try {
            timer.schedule(() -> {
                try {
                    signaller.execute(send);
                } catch (RejectedExecutionException e) {
                    send.run(); // shutting down: the caller's thread, rather than never
                }
            }, step.delay().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The timer has stopped (shutdown): whatever is left goes now.
            child.signalTree(Signal.KILL);
        }
    }
}
