package io.procsocket.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One running program, leader of its own process group (pgid == pid), so that signals reach
 * everything it started.
 */
public final class ChildProcess {
    private final Process process;
    private final long pid;
    private final OutputStream stdin;
    private final AtomicBoolean terminating = new AtomicBoolean();
    /**
     * Held while a message is written to stdin. The JDK's pipe stream synchronizes close() with write(),
     * so closing stdin while a write is blocked on a full pipe (a child that does not read) would block
     * the closer too: the kill sequence would never start and shutdown would hang. Instead, a close that
     * finds a write in progress only marks stdin closing; the writer closes it when its write returns,
     * which the kill sequence's signals guarantee.
     */
    private final ReentrantLock stdinLock = new ReentrantLock();
    private volatile boolean stdinClosing;
    private volatile long stdinBusySince;

    ChildProcess(Process process) {
        this.process = process;
        this.pid = process.pid();
        this.stdin = process.getOutputStream();
    }

    public long pid() {
        return pid;
    }

    public InputStream stdout() {
        return process.getInputStream();
    }

    public InputStream stderr() {
        return process.getErrorStream();
    }

    /**
     * Writes one whole message to stdin. Blocks while the pipe is full: the caller is the container
     * thread reading this client's socket, so a child that stops reading slows only its own client.
     */
    public void writeStdin(byte[] bytes, int off, int len) throws IOException {
        stdinLock.lock();
        try {
            if (stdinClosing) {
                throw new IOException("stdin is closed");
            }
            stdinBusySince = System.nanoTime();
            stdin.write(bytes, off, len);
            stdin.flush();
        } finally {
            stdinBusySince = 0;
            stdinLock.unlock();
            if (stdinClosing) {
                closeStdin(); // a close arrived while this write was blocked
            }
        }
    }

    /**
     * How long the current stdin write has been blocked (the child is not reading), in nanoseconds;
     * 0 when no write is in progress.
     */
    public long stdinBlockedNanos() {
        long since = stdinBusySince;
        return since == 0 ? 0 : Math.max(1, System.nanoTime() - since);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the direct child; -1 if it is still running after the timeout. */
    public int awaitExit(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** Runs {@code action} once the direct child has exited (on the JDK's reaper thread: keep it short). */
    public void onExit(Runnable action) {
        process.onExit().thenRun(action);
    }

    public int exitValue() {
        return process.exitValue();
    }

    /**
     * Runs the kill sequence once, off the caller's thread: stdin closed now, then SIGINT, SIGTERM,
     * SIGKILL to the whole group, each only if someone in the group is still there.
     */
    public void terminate(long closeMs, ScheduledExecutorService timer) {
        if (!terminating.compareAndSet(false, true)) {
            return;
        }
        closeStdin();
        List<KillSequence.Step> steps = KillSequence.steps(closeMs);
        schedule(steps, 1, timer);
    }

    private void schedule(List<KillSequence.Step> steps, int index, ScheduledExecutorService timer) {
        if (index >= steps.size()) {
            return;
        }
        KillSequence.Step step = steps.get(index);
        timer.schedule(() -> {
            if (Signals.signalGroup(pid, step.signal())) {
                schedule(steps, index + 1, timer);
            }
        }, step.delay().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes stdin now, or as soon as a write blocked on a full pipe returns; never waits for it. */
    public void closeStdin() {
        stdinClosing = true;
        if (!stdinLock.tryLock()) {
            return; // the blocked writer closes it (see writeStdin)
        }
        try {
            stdin.close();
        } catch (IOException ignored) {
            // Already closed by the child's exit: nothing left to tell it.
        } finally {
            stdinLock.unlock();
        }
    }
}
