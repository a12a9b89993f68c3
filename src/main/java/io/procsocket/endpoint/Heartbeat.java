package io.procsocket.endpoint;

import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * --pingms=N: a ping every N ms; a peer from which nothing at all (pong or any frame) has arrived for
 * 2N ms is declared gone. The pings ride the shared timer thread and are sent asynchronously, so a
 * peer that stopped reading cannot stall the timer for everyone else.
 */
final class Heartbeat {
    private static final ByteBuffer PAYLOAD = ByteBuffer.wrap(new byte[] {'p', 's'}).asReadOnlyBuffer();

    private final Session session;
    private final long intervalMs;
    private final ScheduledExecutorService timer;
    private final Runnable onSilent;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile ScheduledFuture<?> task;
    private volatile boolean fired;

    Heartbeat(Session session, long intervalMs, ScheduledExecutorService timer, Runnable onSilent) {
        this.session = session;
        this.intervalMs = intervalMs;
        this.timer = timer;
        this.onSilent = onSilent;
    }

    void start() {
        task = timer.scheduleAtFixedRate(this::tick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Anything from the peer proves it is alive. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    void stop() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }

    private void tick() {
        if (fired) {
            return;
        }
        long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastHeardNanos);
        if (silentMs >= 2 * intervalMs) {
            fired = true;
            stop();
            onSilent.run();
            return;
        }
        try {
            session.getAsyncRemote().sendPing(PAYLOAD.duplicate());
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            // The session is closing; the close path ends the child.
        }
    }
}
