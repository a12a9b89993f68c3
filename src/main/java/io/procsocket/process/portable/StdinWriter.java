package io.procsocket.process.portable;

import io.procsocket.process.NoWaiting;
import io.procsocket.process.StdinBacklog;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A portable child's stdin. The JDK's pipe stream only blocks, and neither the selector thread (which must never
 * wait) nor the kill sequence (which must close stdin at once) may block in it, so every message goes to a queue
 * and one thread of this child's, started at the first message, writes it out. Writers then wait for the queue to
 * drain as the native backend's do (unless {@link NoWaiting}), so the queue holds at most what one caller handed
 * over before waiting: a child that never reads holds back its own client, and nothing grows without bound.
 */
final class StdinWriter {
    private static final System.Logger LOG = System.getLogger(StdinWriter.class.getName());
    private static final long STACK_BYTES = 128 * 1024;

    private final OutputStream out;
    private final StdinBacklog backlog;
    private final String threadName;
    /** Guards everything below; never held while writing to the pipe, so closing never waits for the child. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> waiting = new ArrayDeque<>();
    private long waitingBytes;
    /** The writer thread is in a write to the pipe; the stream is then its to close. */
    private boolean writing;
    private boolean closed;
    /** finish() came while bytes still waited: the writer closes the stream once they are written. */
    private boolean ending;
    private Thread thread;

    StdinWriter(OutputStream out, StdinBacklog backlog, String threadName) {
        this.out = out;
        this.backlog = backlog;
        this.threadName = threadName;
    }

    void write(byte[] bytes, int off, int len) throws IOException {
        lock.lock();
        try {
            enqueue(bytes, off, len);
            if (NoWaiting.here()) {
                return;
            }
            while (!drained() && !closed) {
                changed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the child's stdin was full");
        } finally {
            lock.unlock();
        }
    }

    /** Never waits; false, and nothing queued, when more than {@code maxWaiting} bytes would wait. */
    boolean offer(byte[] bytes, int off, int len, long maxWaiting) throws IOException {
        lock.lock();
        try {
            // As in the native backend, the first message always goes in: the bound is on what piles up behind it.
            if (!waiting.isEmpty() && waitingBytes + len > maxWaiting) {
                if (closed || ending) {
                    throw new IOException("stdin is closed");
                }
                return false;
            }
            enqueue(bytes, off, len);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Holding the lock. */
    private void enqueue(byte[] bytes, int off, int len) throws IOException {
        if (closed || ending) {
            throw new IOException("stdin is closed");
        }
        if (len == 0) {
            return;
        }
        waiting.add(Arrays.copyOfRange(bytes, off, off + len));
        waitingBytes += len;
        if (!backlog.backlogged()) {
            backlog.startWaiting();
        }
        if (thread == null) {
            thread = new Thread(null, this::run, threadName, STACK_BYTES);
            thread.setDaemon(true);
            thread.start();
        }
        changed.signalAll();
    }

    /** Holding the lock: nothing queued and nothing being written. */
    private boolean drained() {
        return waiting.isEmpty() && !writing;
    }

    /** Closes stdin once what waits has been written; never waits. */
    void finish() {
        lock.lock();
        try {
            if (drained()) {
                close();
            } else {
                ending = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes stdin now for every caller: queued bytes are dropped and waiting writers return. The stream itself is
     * closed here unless a write to it is under way, which would make close() wait for the child; then the writer
     * closes it as soon as that write returns (the child read it, or died, which the kill sequence sees to).
     */
    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            waiting.clear();
            waitingBytes = 0;
            backlog.stopWaiting();
            if (!writing) {
                closeStream();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            byte[] next;
            lock.lock();
            try {
                while (waiting.isEmpty() && !closed) {
                    try {
                        changed.await();
                    } catch (InterruptedException e) {
                        closed = true;
                    }
                }
                if (closed) {
                    return; // close() closed the stream, or left it to us below
                }
                next = waiting.poll();
                waitingBytes -= next.length;
                writing = true;
            } finally {
                lock.unlock();
            }
            boolean failed = false;
            try {
                out.write(next);
                out.flush();
            } catch (IOException e) {
                // The child closed its stdin or exited: nothing waiting can be delivered any more.
                LOG.log(Level.DEBUG, threadName + ": " + e.getMessage());
                failed = true;
            }
            lock.lock();
            try {
                writing = false;
                if (ending && drained()) {
                    closed = true;
                }
                if (failed && !closed) {
                    closed = true;
                    waiting.clear();
                    waitingBytes = 0;
                }
                if (drained() || closed) {
                    backlog.stopWaiting();
                }
                if (closed) {
                    closeStream();
                }
                changed.signalAll();
                if (closed) {
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void closeStream() {
        try {
            out.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, threadName + " close: " + e.getMessage());
        }
    }
}
