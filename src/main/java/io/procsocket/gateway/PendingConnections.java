package io.procsocket.gateway;

import io.procsocket.process.StdinBacklog;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands an admitted request from the front door (filter) to the endpoint across the upgrade.
 * The front door rewrites the upgrade to the endpoint's fixed path with an unguessable ticket;
 * the endpoint claims the ticket once. Tickets whose upgrade never completed expire.
 */
public final class PendingConnections {
    /** An admitted request waiting for its WebSocket session. */
    public record Pending(HandshakeInfo request, Route route, StdinBacklog stdin, long createdNanos) { }

    private static final long EXPIRY_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int SWEEP_EVERY = 256;

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong puts = new AtomicLong();

    public String put(HandshakeInfo request, Route route, StdinBacklog stdin) {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long now = System.nanoTime();
        pending.put(ticket, new Pending(request, route, stdin, now));
        if (puts.incrementAndGet() % SWEEP_EVERY == 0) {
            pending.values().removeIf(p -> now - p.createdNanos() > EXPIRY_NANOS);
        }
        return ticket;
    }

    /** The request behind a ticket, once; null if unknown, already claimed or expired. */
    public Pending claim(String ticket) {
        if (ticket == null) {
            return null;
        }
        Pending p = pending.remove(ticket);
        if (p == null || System.nanoTime() - p.createdNanos() > EXPIRY_NANOS) {
            return null;
        }
        return p;
    }

    public int size() {
        return pending.size();
    }
}
