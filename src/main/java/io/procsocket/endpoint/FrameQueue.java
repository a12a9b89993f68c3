package io.procsocket.endpoint;

import io.procsocket.codec.WireFrames;
import io.procsocket.gateway.FrameWriter;
import io.procsocket.ops.RouteMetrics;
import io.procsocket.shared.Frame;
import jakarta.websocket.EncodeException;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A shared program's client's outgoing frames, bounded in bytes, one write in flight at a time. With the
 * front door's {@link FrameWriter} (standalone) everything queued goes out in one write of frames framed
 * once for all clients; without it (a servlet container) each frame is one asynchronous JSR 356 send.
 *
 * {@link #enqueue} only queues (its caller holds the audience's lock); {@link #flush} and {@link #then} may
 * send, and so are called with no lock held. A send that completes inline continues the loop here instead of
 * recursing, so thousands of short lines cannot overflow the stack.
 */
final class FrameQueue {
    /** At most this much in one write: big enough that a write's cost is spread thin, small enough to stay cheap. */
    static final int BATCH_BYTES = 256 * 1024;

    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final RemoteEndpoint.Async remote;
    private final FrameWriter writer;
    private final Consumer<Throwable> onFailure;
    private final Runnable onSent;
    private long bytes;
    private boolean draining;
    private volatile boolean failed;
    private final RouteMetrics metrics;

    /**
     * @param writer    the front door's frame writer, or null to send through {@code remote}
     * @param onFailure called once, when a write fails; later frames are dropped (actions still run)
     * @param onSent    called after every completed write, with no lock held
     */
    FrameQueue(RemoteEndpoint.Async remote, FrameWriter writer, Consumer<Throwable> onFailure, Runnable onSent,
               RouteMetrics metrics) {
        this.metrics = metrics;
        this.remote = remote;
        this.writer = writer;
        this.onFailure = onFailure;
        this.onSent = onSent;
    }

    /**
     * Queues without sending, unless that would make more than {@code limit} bytes wait: then nothing is queued
     * and the answer is false. An empty queue takes any one frame, so a line over the limit still reaches a
     * client that keeps up.
     */
    boolean enqueue(Frame frame, long limit) {
        synchronized (queue) {
            if (bytes > 0 && bytes + frame.bytes() > limit) {
                return false;
            }
            queue.add(frame);
            bytes += frame.bytes();
        }
        metrics.sent(frame.message());
        return true;
    }

    /** Runs {@code action} once everything queued before it has been written (or failed). */
    void then(Runnable action) {
        synchronized (queue) {
            queue.add(action);
        }
        flush();
    }

    long queuedBytes() {
        synchronized (queue) {
            return bytes;
        }
    }

    void flush() {
        synchronized (queue) {
            if (draining || queue.isEmpty()) {
                return;
            }
            draining = true;
        }
        drain();
    }

    private void drain() {
        while (true) {
            List<Frame> batch = new ArrayList<>();
            Runnable action = null;
            synchronized (queue) {
                Object head = queue.peek();
                if (head == null) {
                    draining = false;
                    return;
                }
                if (head instanceof Runnable r) {
                    queue.poll();
                    action = r;
                } else {
                    int size = 0;
                    while (queue.peek() instanceof Frame f && (batch.isEmpty() || (writer != null && size < BATCH_BYTES))) {
                        queue.poll();
                        batch.add(f);
                        size += f.bytes();
                    }
                }
            }
            if (action != null) {
                action.run();
                continue;
            }
            // Whichever of this loop and the write's completion gets here second carries on draining.
            AtomicBoolean handOff = new AtomicBoolean();
            Consumer<Throwable> done = cause -> {
                completed(batch, cause);
                if (!handOff.compareAndSet(false, true)) {
                    drain();
                }
            };
            if (failed || !send(batch, done)) {
                written(batch);
                continue;
            }
            if (handOff.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /** Starts one write of {@code batch}; false if it could not even be started (the failure is recorded). */
    private boolean send(List<Frame> batch, Consumer<Throwable> done) {
        try {
            if (writer != null) {
                List<byte[]> wires = new ArrayList<>(batch.size());
                for (Frame f : batch) {
                    wires.add(f.wire());
                }
                writer.write(WireFrames.join(wires), done);
            } else {
                remote.sendObject(batch.get(0).message(), (SendResult r) -> done.accept(r.isOK() ? null : r.getException()));
            }
            return true;
        } catch (EncodeException | RuntimeException e) {
            // IllegalStateException and kin: the session closed under us. Nothing was sent.
            fail(e);
            return false;
        }
    }

    private void completed(List<Frame> batch, Throwable cause) {
        if (cause != null) {
            fail(cause);
        }
        written(batch);
        onSent.run();
    }

    private void written(List<Frame> batch) {
        long n = 0;
        for (Frame f : batch) {
            n += f.bytes();
        }
        synchronized (queue) {
            bytes -= n;
        }
    }

    private void fail(Throwable cause) {
        if (!failed) {
            failed = true;
            onFailure.accept(cause);
        }
    }
}
