package io.procsocket.gateway;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * --maxforks: how many children may run at once (0 = no limit), counting upgrades admitted and not yet
 * running as well as running programs, CGI scripts and echo connections.
 */
public final class ForkLimiter {
    private final int max;
    private final ForkLimiter parent;
    private final AtomicInteger running = new AtomicInteger();

    public ForkLimiter(int max) {
        this(max, null);
    }

    private ForkLimiter(int max, ForkLimiter parent) {
        this.max = max;
        this.parent = parent;
    }

    /** A limit of its own within this one (a route's maxforks): each slot is taken from both, and given back to both. */
    public ForkLimiter within(int routeMax) {
        return new ForkLimiter(routeMax, this);
    }

    public boolean tryAcquire() {
        if (parent != null && !parent.tryAcquire()) {
            return false;
        }
        while (true) {
            int now = running.get();
            if (max != 0 && now >= max) {
                if (parent != null) {
                    parent.release();
                }
                return false;
            }
            if (running.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    public void release() {
        running.decrementAndGet();
        if (parent != null) {
            parent.release();
        }
    }

    public int running() {
        return running.get();
    }
}
