package io.procsocket.gateway;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

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

    /** After every test: no child of ours left running. */
    public static void noChildrenLeft(Gateway gateway) {
        await("all children gone (live: " + gateway.liveChildren() + ")", Duration.ofSeconds(10),
                () -> gateway.liveChildren() == 0 && gateway.forks().running() == 0);
    }
}
