package io.procsocket.shared.redis;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One of the bus's own daemon threads: its loop runs until {@link #stopping}, its waits between attempts to reach
 * Redis end at once when it is told to stop, and whoever stops it waits a bounded time for it.
 */
abstract class BusThread {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean stopping;

    BusThread(String name) {
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
    }

    final void start() {
        thread.start();
    }

    /** The loop, which returns once {@link #stopping} is true. */
    abstract void loop();

    final boolean stopping() {
        return stopping;
    }

    /** The loop ends at its next look; set it from the loop itself to end after the current step. */
    final void stopSoon() {
        stopping = true;
    }

    /** Ends waits in {@link #pause} and waits at most {@code boundMs} for the loop to return. */
    final void stopAndJoin(boolean now, long boundMs) {
        if (now) {
            stopping = true;
        }
        stop.countDown();
        try {
            thread.join(boundMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Before trying Redis again: returns early when told to stop. */
    final void pause(long ms) throws InterruptedException {
        stop.await(ms, TimeUnit.MILLISECONDS);
    }
}
