package io.procsocket.process.linux;

import io.procsocket.process.ChildProcess;
import io.procsocket.process.NoWaiting;
import io.procsocket.process.OutputWatch;
import io.procsocket.process.Signal;
import io.procsocket.process.StdinBacklog;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One program of the native backend, leader of its own session and process group (pgid == pid), so that
 * signals reach everything it started. Our ends of its pipes are non-blocking: stdout and stderr are read by
 * the {@link PipeReactor}, stdin is written there once the pipe has room, and its exit is reaped there
 * through a pidfd: no thread of its own.
 */
final class NativeChild extends ChildProcess {
    private static final System.Logger LOG = System.getLogger(NativeChild.class.getName());
    /**
     * Every child we started and have not reaped yet, in any gateway of this JVM: the {@link OrphanReaper}
     * sees them among the JVM's children too and must never wait for one (only {@link #reap} may, or the
     * exit status would be lost). Added right after the spawn returns; the reaper covers the instant
     * before that itself (see OrphanReaper's notes on ordering).
     */
    private static final Set<Integer> UNREAPED = ConcurrentHashMap.newKeySet();

    private final int pid;
    private final PipeEnd stdin;
    private final PipeEnd stdout;
    private final PipeEnd stderr;
    private final PipeReactor reactor;
    private final StdinBacklog backlog;
    /**
     * Guards stdin. Never held while waiting (writers wait on {@link #drained}, which releases it), so the
     * reactor, the kill sequence and shutdown always get it at once.
     */
    private final ReentrantLock stdinLock = new ReentrantLock();
    private final Condition drained = stdinLock.newCondition();
    /** What the child has not read yet, oldest first; the reactor writes it out as the pipe drains. */
    private final ArrayDeque<byte[]> waiting = new ArrayDeque<>();
    /** The bytes in {@link #waiting}. */
    private long waitingBytes;
    private PipeReactor.Registration stdinWatch;
    private boolean stdinClosed;
    /** endStdin() came while bytes still waited: stdin closes once they are written. */
    private boolean stdinEnding;

    NativeChild(int pid, PipeEnd stdin, PipeEnd stdout, PipeEnd stderr, PipeReactor reactor, StdinBacklog backlog) {
        super(pid);
        this.pid = pid;
        UNREAPED.add(pid);
        this.reactor = reactor;
        this.backlog = backlog;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    @Override
    public void watchStdout(OutputWatch.Handler handler) {
        reactor.register(stdout, handler::ready);
    }

    @Override
    public void watchStderr(OutputWatch.Handler handler) {
        reactor.register(stderr, handler::ready);
    }

    @Override
    public InputStream stdout() {
        return new BufferedInputStream(new PipeInputStream(stdout), 8192);
    }

    @Override
    public InputStream stderr() {
        return new PipeInputStream(stderr);
    }

    /** What the pipe cannot take now waits in memory for the reactor to write it once the pipe has room. */
    @Override
    public void writeStdin(byte[] bytes, int off, int len) throws IOException {
        stdinLock.lock();
        try {
            if (stdinClosed || stdinEnding) {
                throw new IOException("stdin is closed");
            }
            if (waiting.isEmpty()) {
                byte[] whole = off == 0 && len == bytes.length ? bytes : Arrays.copyOfRange(bytes, off, off + len);
                int n = len == 0 ? 0 : stdin.write(whole, len);
                if (n == len) {
                    return;
                }
                off += Math.max(n, 0);
                len -= Math.max(n, 0);
            }
            queue(bytes, off, len);
            if (NoWaiting.here()) {
                return;
            }
            while (!waiting.isEmpty() && !stdinClosed) {
                drained.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the child's stdin was full");
        } finally {
            stdinLock.unlock();
        }
    }

    @Override
    public boolean offerStdin(byte[] bytes, int off, int len, long maxWaiting) throws IOException {
        stdinLock.lock();
        try {
            if (stdinClosed || stdinEnding) {
                throw new IOException("stdin is closed");
            }
            if (!waiting.isEmpty()) {
                if (waitingBytes + len > maxWaiting) {
                    return false;
                }
                queue(bytes, off, len);
                return true;
            }
            byte[] whole = off == 0 && len == bytes.length ? bytes : Arrays.copyOfRange(bytes, off, off + len);
            int n = len == 0 ? 0 : stdin.write(whole, len);
            if (n < len) {
                // The part written is in the pipe already: the rest must follow it, whatever the bound says.
                queue(whole, Math.max(n, 0), len - Math.max(n, 0));
            }
            return true;
        } finally {
            stdinLock.unlock();
        }
    }

    /** Holding stdinLock: {@code len} bytes wait for the reactor to write them once the pipe has room. */
    private void queue(byte[] bytes, int off, int len) {
        waiting.add(Arrays.copyOfRange(bytes, off, off + len));
        waitingBytes += len;
        if (!backlog.backlogged()) {
            backlog.startWaiting();
            watchStdin();
        }
    }

    /** Holding stdinLock: have the reactor tell us when the pipe has room again. */
    private void watchStdin() {
        if (stdinWatch == null) {
            stdinWatch = reactor.registerForWrite(stdin, this::stdinWritable);
        } else {
            stdinWatch.rearm();
        }
    }

    /** Reactor thread: the pipe has room (or its reader is gone). Writes what is waiting without blocking. */
    private void stdinWritable(PipeReactor.Registration watch) {
        stdinLock.lock();
        try {
            while (!waiting.isEmpty() && !stdinClosed) {
                byte[] head = waiting.peek();
                int n = stdin.write(head, head.length);
                if (n == PipeEnd.WOULD_BLOCK) {
                    watch.rearm();
                    return;
                }
                waiting.poll();
                waitingBytes -= n;
                if (n < head.length) {
                    waiting.addFirst(Arrays.copyOfRange(head, n, head.length));
                }
            }
            drainedOut();
            if (stdinEnding) {
                closeStdinLocked();
            }
        } catch (IOException e) {
            // The child closed its stdin or exited: nothing waiting can be delivered any more.
            LOG.log(Level.DEBUG, "stdin of " + pid + ": " + e.getMessage());
            closeStdinLocked();
        } finally {
            stdinLock.unlock();
        }
    }

    /** Holding stdinLock: nothing waits any more; wake the writers and let the client be read fast again. */
    private void drainedOut() {
        backlog.stopWaiting();
        drained.signalAll();
    }

    @Override
    public long stdinBlockedNanos() {
        return backlog.waitingNanos();
    }

    /** The pidfd fired: the child is a zombie, so waitpid returns at once. */
    void reap(PipeReactor.Registration pidfd) {
        int[] status = new int[1];
        int rc = LibC.reapNow(pid, status);
        if (rc == 0) {
            pidfd.rearm(); // not exited after all (cannot happen for a pidfd, but never lose the event)
            return;
        }
        pidfd.close();
        UNREAPED.remove(pid);
        if (rc < 0) {
            LOG.log(Level.ERROR, "waitpid(" + pid + "): " + LibC.describe(LibC.errno()));
            exited(-1);
            return;
        }
        exited(exitValue(status[0]), status[0] & 0x7f);
    }

    /** True from the spawn until {@link #reap} has waited for it: a child that is ours to reap, not an orphan. */
    static boolean unreaped(int pid) {
        return UNREAPED.contains(pid);
    }

    /** The status as Java's Process reports it: the exit code, or 128 + the signal that ended it. */
    static int exitValue(int waitStatus) {
        int signal = waitStatus & 0x7f;
        return signal == 0 ? (waitStatus >> 8) & 0xff : 128 + signal;
    }

    /** kill(2) on the group never blocks, so the sequence's signals go out on the timer itself. */
    @Override
    protected Executor signaller() {
        return Runnable::run;
    }

    @Override
    protected boolean signalTree(Signal signal) {
        return Signals.signalGroup(pid, signal.linuxNumber());
    }

    @Override
    public boolean treeAlive() {
        return Signals.groupAlive(pid);
    }

    @Override
    public void endStdin() {
        stdinLock.lock();
        try {
            if (waiting.isEmpty()) {
                closeStdinLocked();
            } else {
                stdinEnding = true;
            }
        } finally {
            stdinLock.unlock();
        }
    }

    @Override
    public void closeStdin() {
        stdinLock.lock();
        try {
            closeStdinLocked();
        } finally {
            stdinLock.unlock();
        }
    }

    /** Holding stdinLock; once only, so the descriptor is closed exactly once. */
    private void closeStdinLocked() {
        if (stdinClosed) {
            return;
        }
        stdinClosed = true;
        waiting.clear();
        waitingBytes = 0;
        if (stdinWatch != null) {
            stdinWatch.close();
        } else {
            stdin.close();
        }
        drainedOut();
    }

    @Override
    public void closePipes() {
        closeStdin();
        stdout.close();
        stderr.close();
    }

    /** A blocking view of a non-blocking pipe: waits in poll(2) when the pipe is empty. */
    private static final class PipeInputStream extends InputStream {
        private final PipeEnd pipe;
        private final byte[] one = new byte[1];

        PipeInputStream(PipeEnd pipe) {
            this.pipe = pipe;
        }

        @Override
        public int read() throws IOException {
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            byte[] target = off == 0 && len == b.length ? b : new byte[len];
            while (true) {
                int n = pipe.read(target, len);
                if (n == PipeEnd.EOF) {
                    return -1;
                }
                if (n == PipeEnd.WOULD_BLOCK) {
                    pipe.awaitReadable();
                    continue;
                }
                if (target != b) {
                    System.arraycopy(target, 0, b, off, n);
                }
                return n;
            }
        }

        @Override
        public void close() {
            pipe.close();
        }
    }
}
