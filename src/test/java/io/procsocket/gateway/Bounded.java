package io.procsocket.gateway;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Waiting for state the OS or the server changes without telling us (a pid leaving /proc, the live
 * child count dropping): a bounded poll that fails the test with a reason, never a fixed sleep.
 */
public final class Bounded {
    private Bounded() { }

    public static void await(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + limit);
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    /**
     * Waits until {@code value} stops changing (the same, and positive, over 100 polls of 5 ms: half a
     * second with no progress at all) and returns it; for "the other side is blocked" conditions that
     * nothing announces.
     */
    public static long awaitStable(String what, Duration limit, LongSupplier value) {
        long[] last = {-1};
        int[] same = {0};
        await(what + " stops growing", limit, () -> {
            long now = value.getAsLong();
            same[0] = now == last[0] && now > 0 ? same[0] + 1 : 0;
            last[0] = now;
            return same[0] >= 100;
        });
        return last[0];
    }

    /** After every test: no child of ours left running. */
    public static void noChildrenLeft(Gateway gateway) {
        await("all children gone (live: " + gateway.liveChildren() + ")", Duration.ofSeconds(10),
                () -> gateway.liveChildren() == 0 && gateway.forks().running() == 0);
    }
}
