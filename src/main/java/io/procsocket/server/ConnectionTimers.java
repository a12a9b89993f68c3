package io.procsocket.server;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Per-connection deadlines on the server's shared timer. */
final class ConnectionTimers {
    private ConnectionTimers() { }

    /**
     * {@code task} after {@code delayMs}, or null once the timer has stopped: then the server is stopping and
     * closes every connection itself, so a deadline that cannot be set is not needed.
     */
    static ScheduledFuture<?> schedule(ScheduledExecutorService timer, Runnable task, long delayMs) {
        try {
            return timer.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }
}
