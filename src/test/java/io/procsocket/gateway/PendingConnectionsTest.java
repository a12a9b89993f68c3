package io.procsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tickets are bounded in count, claimed once, and expire on the timer with their slot given back. */
class PendingConnectionsTest {
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final AtomicInteger released = new AtomicInteger();

    PendingConnectionsTest() {
        // As the gateway's own timer: a cancelled task leaves the queue at once.
        timer.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static HandshakeInfo request() {
        return new HandshakeInfo("/", "/", "", "", List.of(), "127.0.0.1", 1, false);
    }

    @Test
    void aTicketIsClaimedOnceAndItsSlotIsTheClaimers() {
        PendingConnections pending = new PendingConnections("t.", 10, timer, p -> released.incrementAndGet());
        String ticket = pending.put(request(), null, null, null);
        assertTrue(ticket.startsWith("t."));
        assertNotNull(pending.claim(ticket));
        assertNull(pending.claim(ticket));
        assertEquals(0, pending.size());
        assertEquals(0, released.get(), "a claimed ticket's slot belongs to the connection now");
        assertEquals(0, timer.getQueue().size(), "the expiry task went with the claim");
    }

    @Test
    void ticketsBeyondCapacityAreNotIssued() {
        PendingConnections pending = new PendingConnections("t.", 3, timer, p -> released.incrementAndGet());
        for (int i = 0; i < 3; i++) {
            assertNotNull(pending.put(request(), null, null, null));
        }
        assertNull(pending.put(request(), null, null, null));
        assertEquals(3, pending.size());
    }

    @Test
    void anUnclaimedTicketExpiresOnTheTimerAndGivesItsSlotBack() throws Exception {
        // The expiry is scheduled on the timer: run it now instead of waiting its 10 s.
        PendingConnections pending = new PendingConnections("t.", 10, timer, p -> released.incrementAndGet());
        String ticket = pending.put(request(), null, null, null);
        ScheduledFuture<?> expiry = (ScheduledFuture<?>) timer.getQueue().peek();
        assertNotNull(expiry, "an expiry task per ticket");
        assertTrue(expiry.getDelay(TimeUnit.MILLISECONDS) <= PendingConnections.EXPIRY_MS);
        ((Runnable) expiry).run();
        assertEquals(1, released.get());
        assertEquals(0, pending.size());
        assertNull(pending.claim(ticket), "an expired ticket is void");
    }

    @Test
    void closingVoidsEveryTicketAndReturnsEverySlot() {
        PendingConnections pending = new PendingConnections("t.", 10, timer, p -> released.incrementAndGet());
        String a = pending.put(request(), null, null, null);
        pending.put(request(), null, null, null);
        pending.clear();
        assertEquals(2, released.get());
        assertNull(pending.claim(a));
    }
}
