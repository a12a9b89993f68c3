package io.procsocket.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running program, leader of its own process group (pgid == pid), so that signals reach
 * everything it started.
 */
public final class ChildProcess {
    private final Process process;
    private final long pid;
    private final OutputStream stdin;
    private final AtomicBoolean terminating = new AtomicBoolean();
    private final AtomicInteger writers = new AtomicInteger();
    private volatile boolean stdinClosing;

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
        writers.incrementAndGet();
        try {
            if (stdinClosing) {
                throw new IOException("stdin closed");
            }
            stdin.write(bytes, off, len);
            stdin.flush();
        } finally {
            writers.decrementAndGet();
        }
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

    /**
     * Closes stdin without ever blocking the caller. The JDK's pipe stream locks close() against a write
     * in progress, and a write to a child that stopped reading only returns once the child is gone: a
     * caller blocked there (the pump thread, the timer) would never send the signals that end it.
     * (The flag is set before the writer count is read, and writers count themselves in before reading
     * the flag, so a writer either sees the flag or is seen here.)
     */
    public void closeStdin() {
        stdinClosing = true;
        if (writers.get() == 0) {
            closeStdinNow();
            return;
        }
        Thread closer = new Thread(this::closeStdinNow, "procsocket-stdin-close-" + pid);
        closer.setDaemon(true);
        closer.start();
    }

    private void closeStdinNow() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // Already closed by the child's exit: nothing left to tell it.
        }
    }
}
