package io.procsocket.shared;

/**
 * --shared-always's restart delays: 1 s after the first exit, doubling to at most 30 s, and back to 1 s
 * once the program has run for a minute. Pure: the caller says how long the program ran.
 */
public final class RestartBackoff {
    static final long FIRST_MS = 1000;
    static final long MAX_MS = 30_000;
    static final long RESET_AFTER_MS = 60_000;

    private long next = FIRST_MS;

    /** The delay before the next start, after a program that ran {@code ranMs}. */
    public long afterExit(long ranMs) {
        if (ranMs >= RESET_AFTER_MS) {
            next = FIRST_MS;
        }
        long delay = next;
        next = Math.min(MAX_MS, next * 2);
        return delay;
    }
}
