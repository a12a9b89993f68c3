package io.procsocket.gateway;

import java.util.concurrent.atomic.AtomicInteger;

/** --maxforks: how many children may run at once (0 = no limit). */
public final class ForkLimiter {
    private final int max;
    private final AtomicInteger running = new AtomicInteger();

    public ForkLimiter(int max) {
        this.max = max;
    }

    /** A cheap look before the upgrade, so an over-limit client gets HTTP 429 rather than a WebSocket that closes. */
    public boolean hasRoom() {
        return max == 0 || running.get() < max;
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
