package io.procsocket.endpoint;

import io.procsocket.ops.RouteMetrics;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One connection's outgoing messages, sent one at a time with asynchronous sends, so the process backend's
 * thread that read them never waits for a client. Containers refuse (Tomcat) or interleave badly a second send
 * before the first completes, and stdout and stderr (--passstderr) both send, hence the queue.
 *
 * It is bounded by its producers, not by a limit: each pipe is re-armed only by the {@code afterward}
 * of the last message of what it read, so at most one read per pipe is ever queued.
 */
final class SendQueue {
    private record Entry(Object message, Runnable afterward) { }

    private static final System.Logger LOG = System.getLogger(SendQueue.class.getName());

    private final RemoteEndpoint.Async remote;
    /** Called once, with the cause, when a send fails; later messages are dropped (their afterward still runs). */
    private final Consumer<Throwable> onFailure;
    private final RouteMetrics metrics;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private boolean draining;
    private volatile boolean failed;

    SendQueue(RemoteEndpoint.Async remote, Consumer<Throwable> onFailure, RouteMetrics metrics) {
        this.metrics = metrics;
        this.remote = remote;
        this.onFailure = onFailure;
    }

    /** Queues {@code message} (null: none, only the action) and runs {@code afterward} once it has gone. */
    void send(Object message, Runnable afterward) {
        enqueue(message, afterward);
        flush();
    }

    /**
     * As {@link #send}, but only queues: for a caller holding a lock of its own, whose order the queue must keep
     * (procsocket.v1 numbers output under its program's lock). It calls {@link #flush} once the lock is let go.
     */
    void enqueue(Object message, Runnable afterward) {
        metrics.sent(message);
        synchronized (queue) {
            queue.add(new Entry(message, afterward));
        }
    }

    /** Sends what is queued, unless a send is already under way (its completion carries on). */
    void flush() {
        synchronized (queue) {
            if (draining || queue.isEmpty()) {
                return;
            }
            draining = true;
        }
        drain();
    }

    /**
     * Sends until the queue is empty or a send is still in flight; its completion carries on. A send that
     * completes inside sendObject (the socket had room, the usual case) continues this loop instead of
     * recursing, so a burst of thousands of short lines cannot overflow the stack.
     */
    private void drain() {
        while (true) {
            Entry e;
            synchronized (queue) {
                e = queue.poll();
                if (e == null) {
                    draining = false;
                    return;
                }
            }
            if (e.message == null || failed) {
                done(e);
                continue;
            }
            // Whichever of this loop and the completion handler gets here second carries on draining.
            AtomicBoolean handOff = new AtomicBoolean();
            try {
                remote.sendObject(e.message, result -> {
                    completed(e, result);
                    if (!handOff.compareAndSet(false, true)) {
                        drain();
                    }
                });
            } catch (RuntimeException ex) {
                // IllegalStateException and kin: the session closed under us. Nothing was sent.
                fail(ex);
                done(e);
                continue;
            }
            if (handOff.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void completed(Entry e, SendResult result) {
        if (!result.isOK()) {
            fail(result.getException());
        }
        done(e);
    }

    private void fail(Throwable cause) {
        if (!failed) {
            failed = true;
            onFailure.accept(cause);
        }
    }

    private static void done(Entry e) {
        if (e.afterward == null) {
            return;
        }
        try {
            e.afterward.run();
        } catch (RuntimeException ex) {
            // Escaping, it would leave the queue marked as draining with nobody draining it: every later
            // message and the close frame would wait forever.
            LOG.log(System.Logger.Level.ERROR, "action after a send failed", ex);
        }
    }
}
