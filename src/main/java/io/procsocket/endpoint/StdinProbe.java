package io.procsocket.endpoint;

import io.procsocket.log.GatewayLog;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * While a stdin write is blocked (the program does not read), the container reads nothing more from its client, so
 * a client that vanishes would go unnoticed and the program would live forever. Once the write has waited
 * {@link #PROBE_MS}, each probe pings the client: writing to a vanished peer fails, and the connection ends as for
 * any client that went away. The same for a plain session and a procsocket.v1 one.
 */
final class StdinProbe {
    static final long PROBE_MS = 1000;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private StdinProbe() { }

    /**
     * Probes every {@link #PROBE_MS} on {@code timer} until cancelled.
     *
     * @param blockedNanos how long the current stdin write has waited (0: none)
     * @param open         whether the client is still thought to be there
     * @param unreachable  called when the ping cannot even be sent
     */
    static ScheduledFuture<?> start(ScheduledExecutorService timer, Session session, GatewayLog log,
                                    LongSupplier blockedNanos, BooleanSupplier open, Runnable unreachable) {
        return timer.scheduleWithFixedDelay(() -> probe(session, log, blockedNanos, open, unreachable),
                PROBE_MS, PROBE_MS, TimeUnit.MILLISECONDS);
    }

    /** Runs on the gateway timer: must never block, so the ping is sent asynchronously. */
    private static void probe(Session session, GatewayLog log, LongSupplier blockedNanos, BooleanSupplier open,
                              Runnable unreachable) {
        if (blockedNanos.getAsLong() < TimeUnit.MILLISECONDS.toNanos(PROBE_MS) || !open.getAsBoolean()) {
            return;
        }
        try {
            session.getAsyncRemote().sendPing(EMPTY.duplicate());
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            log.debug("session", "client unreachable while stdin is blocked: %s", e.getMessage());
            unreachable.run();
        }
    }
}
