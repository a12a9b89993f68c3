package io.procsocket.log;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Hands log records to one writer thread through a bounded queue, so no thread that serves connections ever
 * waits on the log: the reactor thread that forwards every child's output also logs every child's stderr, and
 * a log sink that blocks (a paused terminal, a full pipe, a blocking container log driver) would otherwise
 * stop every connection at once. When the queue is full a record is dropped and counted, never waited for;
 * the writer says how many it dropped as soon as it gets to write again.
 */
public final class AsyncLogHandler extends Handler {
    /** Records waiting for the writer; about a second of a busy server's lines. */
    static final int DEFAULT_CAPACITY = 8192;
    private static final long STOP_WAIT_MS = 2000;

    private final Handler sink;
    private final BlockingQueue<LogRecord> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;
    /** Signalled by the writer whenever it has written everything queued. */
    private final Object idle = new Object();
    private volatile boolean writing;

    public AsyncLogHandler(Handler sink) {
        this(sink, DEFAULT_CAPACITY);
    }

    AsyncLogHandler(Handler sink, int capacity) {
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(capacity);
        setLevel(Level.ALL);
        writer = new Thread(this::write, "procsocket-log");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        if (!running || !queue.offer(record)) {
            dropped.incrementAndGet();
        }
    }

    /** Records dropped so far and not yet reported. */
    long droppedUnreported() {
        return dropped.get();
    }

    private void write() {
        try {
            while (running || !queue.isEmpty()) {
                LogRecord record = queue.poll(100, TimeUnit.MILLISECONDS);
                if (record != null) {
                    writing = true;
                    deliver(record);
                }
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    LogRecord notice = new LogRecord(GatewayLevel.ERROR, lost + " log lines dropped: the log output "
                            + "did not keep up (a blocked terminal, pipe or log driver)");
                    notice.setLoggerName(GatewayLog.LOGGER_NAME);
                    notice.setParameters(new Object[] {"log", ""});
                    deliver(notice);
                }
                writing = false;
                if (queue.isEmpty()) {
                    synchronized (idle) {
                        idle.notifyAll();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(LogRecord record) {
        try {
            sink.publish(record);
        } catch (RuntimeException e) {
            // A broken sink must not end the writer: the next line may go through.
            reportError("log sink failed", e, java.util.logging.ErrorManager.WRITE_FAILURE);
        }
    }

    /** Waits (bounded) until what is queued has been written. */
    @Override
    public void flush() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MS);
        synchronized (idle) {
            long left;
            while ((!queue.isEmpty() || writing) && writer.isAlive()
                    && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(idle, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        sink.flush();
    }

    /** Writes what is queued (within a bound: a blocked sink cannot hold up shutdown), then stops the writer. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(STOP_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            writer.interrupt();
        }
        sink.close();
    }
}
