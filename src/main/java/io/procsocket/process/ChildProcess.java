package io.procsocket.process;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * One running program, started by a {@link ProcessBackend}, with everything it starts (its tree): what a
 * connection or a shared route holds. Both backends keep the same promises: stdin written in order and bounded
 * (a caller that may wait does, one that must not queues one message), stdout and stderr read only when armed,
 * the exit status as Java's Process reports it, and the kill sequence reaching the whole tree.
 */
public abstract class ChildProcess {
    private final long pid;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final AtomicBoolean terminating = new AtomicBoolean();
    /** The signal that ended the direct child, 0 if it exited (or is running); set before {@link #exit} completes. */
    private volatile int exitSignal;

    protected ChildProcess(long pid) {
        this.pid = pid;
    }

    public final long pid() {
        return pid;
    }

    /**
     * Writes one whole message to stdin, in order after any still waiting. What the child cannot take now waits
     * in memory; then the caller waits too, unless its thread must not ({@link NoWaiting}): that caller returns at
     * once and the client's next frames are read by a thread that may wait. Either way a child that stops reading
     * holds back only its own client, and at most one socket read of its frames waits in memory.
     */
    public abstract void writeStdin(byte[] bytes, int off, int len) throws IOException;

    /**
     * Writes one whole message to stdin, in order after any still waiting, and never waits: for a program many
     * clients write to (--shared). False, and nothing written, when more than {@code maxWaiting} bytes would then
     * wait for the child to read them.
     */
    public abstract boolean offerStdin(byte[] bytes, int off, int len, long maxWaiting) throws IOException;

    /** Closes stdin now; whatever still waits for the child is dropped and waiting writers return. */
    public abstract void closeStdin();

    /**
     * Closes stdin once everything written before has reached the child (a procsocket.v1 client's eof: its last
     * message may still wait, queued by a thread that must not wait); later writes fail. Never waits.
     */
    public abstract void endStdin();

    /**
     * How long the current stdin write has been waiting for the child to read, in nanoseconds; 0 when no write is
     * waiting.
     */
    public abstract long stdinBlockedNanos();

    /** Starts reading stdout: {@code handler} runs once now that it is armed, and once per {@link OutputWatch#rearm}. */
    public abstract void watchStdout(OutputWatch.Handler handler);

    /** Starts reading stderr, as {@link #watchStdout}. */
    public abstract void watchStderr(OutputWatch.Handler handler);

    /** stdout as a blocking stream, for a caller with a thread to spare (CGI); instead of {@link #watchStdout}. */
    public abstract InputStream stdout();

    /** stderr as a blocking stream, for a caller with a thread to spare (CGI); instead of {@link #watchStderr}. */
    public abstract InputStream stderr();

    /**
     * Sends {@code signal} to the child and everything it started; false once none of them is left. May block
     * briefly (the portable backend runs kill(1)), so the kill sequence calls it on the backend's signaller.
     */
    protected abstract boolean signalTree(Signal signal);

    /** Where the kill sequence's signals are sent from. */
    protected abstract Executor signaller();

    /** Nothing will read or write the pipes any more (failed start, shutdown): let them go. */
    public abstract void closePipes();

    /** SIGKILL to the whole tree now, on the caller's thread (shutdown, a start that cannot be completed). */
    public final void kill() {
        signalTree(Signal.KILL);
    }

    /** True while anything of the tree is still there (zombies not yet reaped included, where that can be told). */
    public abstract boolean treeAlive();

    /** The backend reports the direct child's exit status: the code, or 128 + the signal that ended it. */
    protected final void exited(int status) {
        exited(status, 0);
    }

    /** As {@link #exited(int)}, with the Linux number of the signal that ended it (0 if it exited by itself). */
    protected final void exited(int status, int signal) {
        exitSignal = signal;
        exit.complete(status);
    }

    /**
     * The Linux number of the signal that ended the direct child, 0 if it exited with a code (or still runs). The
     * portable backend cannot tell exit(130) from death by SIGINT (the JDK reports both as 130) and takes a status
     * over 128 on Unix for a signal.
     */
    public final int exitSignal() {
        return exitSignal;
    }

    /**
     * Sends {@code signal} to the program's whole tree, off the caller's thread (a client's request). False, and
     * nothing sent, when the platform has no such signal (Windows has only TERM and KILL, both a forced end).
     */
    public final boolean signal(Signal signal) {
        if (!canSend(signal)) {
            return false;
        }
        signaller().execute(() -> signalTree(signal));
        return true;
    }

    /** Whether {@link #signal} can deliver {@code signal} here. */
    protected boolean canSend(Signal signal) {
        return true;
    }

    public final boolean isAlive() {
        return !exit.isDone();
    }

    /** Waits for the direct child; -1 if it is still running after the timeout. */
    public final int awaitExit(long millis) throws InterruptedException {
        try {
            return exit.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return -1;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Runs {@code action} with the exit status once the direct child has exited, on a backend thread, so keep it
     * short; at once if it has already exited.
     */
    public final void onExit(IntConsumer action) {
        exit.thenAccept(action::accept);
    }

    /**
     * Runs the kill sequence once, off the caller's thread: stdin closed now, then INT, TERM, KILL to the whole
     * tree, each only if some of it is still there.
     */
    public final void terminate(long closeMs, ScheduledExecutorService timer) {
        if (!terminating.compareAndSet(false, true)) {
            return;
        }
        closeStdin();
        KillSequence.run(this, closeMs, timer, signaller());
    }
}
