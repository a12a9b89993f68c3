package io.procsocket.endpoint;

import io.procsocket.codec.WireFrames;
import io.procsocket.gateway.FrameWriter;
import io.procsocket.ops.RouteMetrics;
import jakarta.websocket.EncodeException;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One connection's outgoing messages, sent one at a time with asynchronous sends, so the process backend's
 * thread that read them never waits for a client. Containers refuse (Tomcat) or interleave badly a second send
 * before the first completes, and stdout and stderr (--passstderr) both send, hence the queue.
 *
 * With the front door's {@link FrameWriter} (standalone) the messages queued together go out framed by us in one
 * write: the lines of one read of stdout cost one socket write instead of one Tyrus send each, and skip Tyrus's
 * per-message encoder lookup and its byte-at-a-time UTF-8 encoder. A batch ends at the first entry with an
 * {@code afterward}, so no action waits for messages queued after it.
 *
 * It is bounded by its producers, not by a limit: each pipe is re-armed only by the {@code afterward}
 * of the last message of what it read, so at most one read per pipe is ever queued.
 */
final class SendQueue {
    private record Entry(Object message, Runnable afterward) { }

    /** At most this many entries in one write (what one read of each pipe produces is far less, usually). */
    static final int MAX_BATCH = 1024;

    private static final System.Logger LOG = System.getLogger(SendQueue.class.getName());

    private final RemoteEndpoint.Async remote;
    /** The front door's writer, or null: each message is then one JSR 356 send. */
    private final FrameWriter writer;
    /** Called once, with the cause, when a send fails; later messages are dropped (their afterward still runs). */
    private final Consumer<Throwable> onFailure;
    private final RouteMetrics metrics;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private boolean draining;
    private volatile boolean failed;

    SendQueue(RemoteEndpoint.Async remote, FrameWriter writer, Consumer<Throwable> onFailure, RouteMetrics metrics) {
        this.metrics = metrics;
        this.remote = remote;
        this.writer = writer;
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
        if (writer != null) {
            drainFrames();
        } else {
            drain();
        }
    }

    /** As {@link #drain}, for the frame writer: everything queued up to an action goes out in one write. */
    private void drainFrames() {
        while (true) {
            List<Entry> batch = new ArrayList<>();
            synchronized (queue) {
                Entry e;
                while (batch.size() < MAX_BATCH && (e = queue.poll()) != null) {
                    batch.add(e);
                    if (e.afterward != null) {
                        break;
                    }
                }
                if (batch.isEmpty()) {
                    draining = false;
                    return;
                }
            }
            ByteBuffer frames = failed ? null : frames(batch);
            if (frames == null) {
                batch.forEach(SendQueue::done);
                continue;
            }
            // Whichever of this loop and the write's completion gets here second carries on draining.
            AtomicBoolean handOff = new AtomicBoolean();
            writer.write(frames, cause -> {
                if (cause != null) {
                    fail(cause);
                }
                batch.forEach(SendQueue::done);
                if (!handOff.compareAndSet(false, true)) {
                    drainFrames();
                }
            });
            if (handOff.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /** The batch's messages as one buffer of frames; null if it has none (or one could not be encoded). */
    private ByteBuffer frames(List<Entry> batch) {
        List<byte[]> wires = new ArrayList<>(batch.size());
        try {
            for (Entry e : batch) {
                if (e.message != null) {
                    wires.add(WireFrames.of(e.message));
                }
            }
        } catch (EncodeException | RuntimeException ex) {
            fail(ex);
            return null;
        }
        return wires.isEmpty() ? null : WireFrames.join(wires);
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
