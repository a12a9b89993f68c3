package io.procsocket.gateway;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * --maxforks: how many children may run at once (0 = no limit), counting upgrades admitted and not yet
 * running as well as running programs, CGI scripts and echo connections.
 */
public final class ForkLimiter {
    private final int max;
    private final AtomicInteger running = new AtomicInteger();

    public ForkLimiter(int max) {
        this.max = max;
    }

    public boolean tryAcquire() {
        while (true) {
            int now = running.get();
            if (max != 0 && now >= max) {
                return false;
            }
            if (running.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    public void release() {
        running.decrementAndGet();
    }

    public int running() {
        return running.get();
    }
}
