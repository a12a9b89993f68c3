package io.procsocket.gateway;

import io.procsocket.identity.Identity;
import io.procsocket.process.StdinBacklog;
import io.procsocket.shared.SharedProcess;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Hands an admitted request from the front door (filter) to the endpoint across the upgrade. The front door
 * rewrites the upgrade to the endpoint's fixed path with an unguessable ticket; the endpoint claims the
 * ticket once. A ticket holds the connection slot admission took for it, so an upgrade that never completes
 * (the container refused it, the client vanished mid-handshake) gives the slot back when its ticket expires,
 * on the timer, whether or not anyone else is admitted meanwhile. Bounded in count as well: admission only
 * issues tickets to well-formed handshakes that got a slot, and never more than {@code capacity} at once.
 */
public final class PendingConnections {
    /**
     * An admitted request waiting for its WebSocket session.
     *
     * @param route  what it runs; null for the echo endpoint
     * @param shared with --shared, the route's process it has a place in; else null
     * @param frames the front door's direct frame writer for the connection, if it has one; else null
     * @param identity who the request is from (REMOTE_USER, AUTH_TYPE); {@link Identity#NONE} without authentication
     * @param forks    the limiter its fork slot came from (the route's, within the server's); null with --shared
     */
    public record Pending(HandshakeInfo request, Route route, StdinBacklog stdin, SharedProcess shared,
                          FrameWriter frames, Identity identity, ForkLimiter forks) { }

    /** Standalone the upgrade follows admission within microseconds; in a container within one request. */
    static final long EXPIRY_MS = 10_000;

    private final class Entry {
        final Pending pending;
        volatile ScheduledFuture<?> expiry;
        volatile FrameWriter frames;

        Entry(Pending pending) {
            this.pending = pending;
        }
    }

    private final Map<String, Entry> pending = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final String prefix;
    private final int capacity;
    private final ScheduledExecutorService timer;
    private final Consumer<Pending> releaseSlot;

    /**
     * @param prefix      starts every ticket (tells which gateway issued it)
     * @param releaseSlot gives back the slot (a fork, or a shared process's place) of a ticket that expires
     *                    unclaimed
     */
    PendingConnections(String prefix, int capacity, ScheduledExecutorService timer, Consumer<Pending> releaseSlot) {
        this.prefix = prefix;
        this.capacity = capacity;
        this.timer = timer;
        this.releaseSlot = releaseSlot;
    }

    /** A new ticket for the request, or null when {@code capacity} tickets are already waiting. */
    String put(HandshakeInfo request, Route route, StdinBacklog stdin, SharedProcess shared) {
        return put(request, route, stdin, shared, Identity.NONE, null);
    }

    String put(HandshakeInfo request, Route route, StdinBacklog stdin, SharedProcess shared, Identity identity,
               ForkLimiter forks) {
        if (count.incrementAndGet() > capacity) {
            count.decrementAndGet();
            return null;
        }
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String ticket = prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Entry entry = new Entry(new Pending(request, route, stdin, shared, null, identity, forks));
        pending.put(ticket, entry);
        try {
            entry.expiry = timer.schedule(() -> expire(ticket), EXPIRY_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: nothing will claim it either.
            expire(ticket);
            return null;
        }
        return ticket;
    }

    /** The request behind a ticket, once; null if unknown, already claimed or expired. Its slot is the caller's now. */
    public Pending claim(String ticket) {
        Entry e = ticket == null ? null : pending.remove(ticket);
        if (e == null) {
            return null;
        }
        count.decrementAndGet();
        ScheduledFuture<?> expiry = e.expiry;
        if (expiry != null) {
            expiry.cancel(false);
        }
        Pending p = e.pending;
        FrameWriter frames = e.frames;
        return frames == null ? p : new Pending(p.request(), p.route(), p.stdin(), p.shared(), frames, p.identity(), p.forks());
    }

    /** The request behind a ticket still waiting, without claiming it (the handshake's response headers). */
    public Pending peek(String ticket) {
        Entry e = ticket == null ? null : pending.get(ticket);
        return e == null ? null : e.pending;
    }

    /** The front door can write frames to the connection the ticket is for itself (standalone). */
    public void attach(String ticket, FrameWriter frames) {
        Entry e = pending.get(ticket);
        if (e != null) {
            e.frames = frames;
        }
    }

    /** Whoever removes the entry owns its slot: here, nobody claimed it in time, so it goes back. */
    private void expire(String ticket) {
        Entry e = pending.remove(ticket);
        if (e != null) {
            count.decrementAndGet();
            releaseSlot.accept(e.pending);
        }
    }

    /** Shutdown: every waiting ticket is void and its slot returned. */
    void clear() {
        for (String ticket : pending.keySet()) {
            expire(ticket);
        }
    }

    boolean issued(String ticket) {
        return ticket != null && ticket.startsWith(prefix);
    }

    public int size() {
        return count.get();
    }
}
