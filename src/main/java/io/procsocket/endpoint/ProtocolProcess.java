package io.procsocket.endpoint;

import io.procsocket.config.Config;
import io.procsocket.gateway.ForkLimiter;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.PendingConnections;
import io.procsocket.gateway.Route;
import io.procsocket.log.GatewayLog;
import io.procsocket.message.ServerEvent;
import io.procsocket.message.StdStreamLine;
import io.procsocket.message.StdoutChunk;
import io.procsocket.message.StdoutLine;
import io.procsocket.message.StreamChunk;
import io.procsocket.process.ChildProcess;
import io.procsocket.process.OutputFramer;
import io.procsocket.process.OutputWatch;
import io.procsocket.process.Signal;
import io.procsocket.process.StdinBacklog;
import io.procsocket.protocol.OutputLog;
import io.procsocket.protocol.ResumeTokens;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A procsocket.v1 connection's program. It numbers the program's output (seq) and hands it to the session it is
 * attached to; with --resume it outlives a session that dropped, keeps reading into its bounded {@link OutputLog},
 * and attaches to the next session that brings its token, or ends after --resume ms with nobody.
 *
 * Pacing is line mode's while a session is attached: a pipe is re-armed only once what it read has been sent, so a
 * slow client holds the program back. With nobody attached it is read at once, the oldest output dropped, so a
 * program whose client is away never blocks on a full pipe. One lock guards seq, the log and the attachment, so the
 * order of seq is the order of the session's queue; sends start only once it is let go.
 */
final class ProtocolProcess {
    /** How long an exited child's stdout may stay open (held by a grandchild) before the group is ended. */
    private static final long EXIT_GRACE_MS = 100;
    /** How long stderr may stay open after the program exited, before its exit is reported regardless. */
    private static final long STDERR_GRACE_MS = 1000;

    private final Gateway gateway;
    private final Config config;
    private final Route route;
    private final String id;
    private final GatewayLog log;
    private final ChildProcess child;
    private final StdinBacklog backlog;
    /** The fork slot the program holds, given back when it is over. */
    private final ForkLimiter forks;
    private final ResumeTokens<ProtocolProcess> tokens;
    private final OutputFramer stdoutFramer;
    private final OutputFramer stderrFramer;
    private final CompletableFuture<Void> stderrDone = new CompletableFuture<>();
    private final AtomicBoolean stdinClosed = new AtomicBoolean();
    private final AtomicBoolean outputOver = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();

    private final Object lock = new Object();
    /** Guarded by {@link #lock}, as is everything below. */
    private final OutputLog outputs;
    private ProtocolConnection attached;
    private String token;
    /** Set while nobody is attached and a client may still resume. */
    private ScheduledFuture<?> expiry;
    /** Set once the program has ended and its output has been read to the end. */
    private ServerEvent exit;
    private int exitStatus;
    /** Pipes read and waiting for the attached session to send what they read before being read again. */
    private final List<Once> waitingRearms = new ArrayList<>(2);

    ProtocolProcess(Gateway gateway, PendingConnections.Pending pending, String id, GatewayLog log, ChildProcess child,
                    ResumeTokens<ProtocolProcess> tokens) {
        this.gateway = gateway;
        this.config = gateway.configFor(pending.route());
        this.route = pending.route();
        this.backlog = pending.stdin();
        this.forks = pending.forks();
        this.id = id;
        this.log = log;
        this.child = child;
        this.tokens = tokens;
        this.outputs = new OutputLog(config.protocol().resume() ? config.protocol().resumeBuffer() : 0);
        this.stdoutFramer = OutputFramer.typedStdout(config);
        this.stderrFramer = OutputFramer.typedStderr(config);
    }

    /** Attaches the session that started the program, then starts reading it. */
    void start(ProtocolConnection first) {
        synchronized (lock) {
            attached = first;
            first.sends().enqueue(startEvent(), null);
        }
        first.sends().flush();
        child.watchStdout(this::onStdout);
        child.watchStderr(this::onStderr);
        // A child that exits while a grandchild still holds its stdout open would otherwise keep the program (and
        // the grandchild) alive forever.
        child.onExit(status -> schedule(() -> child.terminate(config.closeMs(), gateway.timer()),
                EXIT_GRACE_MS + config.closeMs()));
    }

    /** Under the lock: the start message, with a new token when resuming is on (the previous one is spent). */
    private ServerEvent startEvent() {
        if (config.protocol().resume()) {
            tokens.revoke(token);
            token = tokens.issue(this);
        }
        return new ServerEvent.Start(child.pid(), id, token);
    }

    Route route() {
        return route;
    }

    GatewayLog log() {
        return log;
    }

    StdinBacklog backlog() {
        return backlog;
    }

    long pid() {
        return child.pid();
    }

    String id() {
        return id;
    }

    /** Writes stdin on the caller's thread (the container's): a program that does not read holds back its client. */
    void writeStdin(byte[] data) throws IOException {
        child.writeStdin(data, 0, data.length);
    }

    /** {"type":"eof"}: false if stdin was closed already. */
    boolean closeStdin() {
        if (!stdinClosed.compareAndSet(false, true)) {
            return false;
        }
        // After what the client sent before it, even if some of that still waits for the program to read it.
        child.endStdin();
        return true;
    }

    boolean stdinClosed() {
        return stdinClosed.get();
    }

    boolean signal(Signal signal) {
        return child.signal(signal);
    }

    long stdinBlockedNanos() {
        return child.stdinBlockedNanos();
    }

    private void onStdout(OutputWatch stdout) {
        if (read(stdoutFramer, stdout, ServerEvent.Stream.STDOUT)) {
            outputEnded();
        }
    }

    private void onStderr(OutputWatch stderr) {
        if (read(stderrFramer, stderr, ServerEvent.Stream.STDERR)) {
            stderrDone.complete(null);
        }
    }

    /** One read of a pipe, published; true (and the pipe closed) at its end. */
    private boolean read(OutputFramer framer, OutputWatch pipe, ServerEvent.Stream stream) {
        List<Object> read = new ArrayList<>();
        OutputFramer.Outcome outcome;
        try {
            outcome = framer.read(pipe, log, read::add);
        } catch (RuntimeException e) {
            // Whatever went wrong, the program must still end: treat it as the end of the output.
            log.error("process", "%s handling failed: %s", stream.json(), e);
            outcome = OutputFramer.Outcome.EOF;
        }
        if (outcome == OutputFramer.Outcome.WOULD_BLOCK) {
            pipe.rearm();
            return false;
        }
        boolean eof = outcome == OutputFramer.Outcome.EOF;
        publish(stream, read, eof ? null : pipe::rearm);
        if (eof) {
            pipe.close();
        }
        return eof;
    }

    /**
     * Numbers and keeps what one read produced and queues it for the attached session; {@code rearm} (null at EOF)
     * runs once that has been sent, or at once when nobody is attached.
     */
    private void publish(ServerEvent.Stream stream, List<Object> read, Runnable rearm) {
        Once again = rearm == null ? null : new Once(rearm);
        ProtocolConnection to;
        synchronized (lock) {
            to = attached;
            for (Object m : read) {
                long seq = outputs.next();
                Object message = typed(stream, seq, m);
                outputs.keep(seq, message, OutputFramer.size(m));
                if (to != null) {
                    to.sends().enqueue(message, null);
                }
            }
            if (to != null && again != null) {
                waitingRearms.add(again);
                to.sends().enqueue(null, () -> {
                    synchronized (lock) {
                        waitingRearms.remove(again);
                    }
                    again.run();
                });
            }
        }
        if (to != null) {
            to.sends().flush();
        } else if (again != null) {
            again.run();
        }
    }

    private static Object typed(ServerEvent.Stream stream, long seq, Object m) {
        if (m instanceof StdoutChunk c) {
            return new StreamChunk(stream, c.bytes());
        }
        String text = m instanceof StdoutLine l ? l.text() : ((StdStreamLine) m).data();
        return new ServerEvent.Output(stream, seq, text);
    }

    /** stdout ended: end the whole group, then report how the program ended once stderr has been read too. */
    private void outputEnded() {
        if (!outputOver.compareAndSet(false, true)) {
            return;
        }
        child.terminate(config.closeMs(), gateway.timer());
        ScheduledFuture<?> bound = schedule(() -> ended(-1), 2000 + 3 * config.closeMs());
        child.onExit(status -> {
            if (bound != null) {
                bound.cancel(false);
            }
            ScheduledFuture<?> late = schedule(() -> stderrDone.complete(null), STDERR_GRACE_MS);
            stderrDone.thenRun(() -> {
                if (late != null) {
                    late.cancel(false);
                }
                ended(status);
            });
        });
    }

    /** The program is over: the attached session gets the exit and its close frame; without one, it may resume. */
    private void ended(int status) {
        ProtocolConnection to;
        boolean finishNow;
        synchronized (lock) {
            if (exit != null) {
                return;
            }
            exit = status < 0 ? new ServerEvent.Error("the program did not exit") : exitEvent(status);
            exitStatus = status;
            to = attached;
            if (to != null) {
                queueExit(to);
            }
            finishNow = to == null && (expiry == null || gateway.closing());
        }
        log.debug("process", "Process exited with status %d", status);
        if (to != null) {
            to.sends().flush();
        }
        if (finishNow) {
            finish();
        }
    }

    private ServerEvent exitEvent(int status) {
        int signal = child.exitSignal();
        return signal != 0 ? new ServerEvent.Exit(-1, Signal.linuxName(signal)) : new ServerEvent.Exit(status, null);
    }

    /** Under the lock: the exit, then, once it has gone, the close frame and the end. */
    private void queueExit(ProtocolConnection to) {
        int status = exitStatus;
        to.sends().enqueue(exit, null);
        to.sends().enqueue(null, () -> closeAfterExit(to, status));
    }

    /**
     * After the exit message went out. Off the sending thread: a container may block in close() on a client that
     * stopped reading (Tomcat writes it with a blocking send), and that must stall only this connection.
     */
    private void closeAfterExit(ProtocolConnection to, int status) {
        synchronized (lock) {
            // A session that dropped before its exit went out: the program waits for it to resume instead.
            if (attached != to) {
                return;
            }
            attached = null;
        }
        Runnable close = () -> {
            to.closeSession(CloseReasons.forExit(status));
            finish();
        };
        try {
            gateway.workers().execute(close);
        } catch (RejectedExecutionException e) {
            close.run();
        }
    }

    /**
     * The attached session is gone. Dropped ({@code resumable}: no close frame, 1001, 1006, a failed send, no pong)
     * with --resume on: the program runs on for --resume ms, waiting for its client. Otherwise it ends now.
     */
    void detach(ProtocolConnection from, boolean resumable) {
        List<Once> rearms;
        boolean kept;
        boolean finishNow = false;
        synchronized (lock) {
            if (attached != from) {
                return;
            }
            attached = null;
            rearms = List.copyOf(waitingRearms);
            waitingRearms.clear();
            if (resumable && config.protocol().resume() && !gateway.closing()) {
                expiry = schedule(this::expire, config.protocol().resumeMs());
            }
            kept = expiry != null;
            if (!kept) {
                tokens.revoke(token);
                token = null;
                finishNow = exit != null;
            }
        }
        if (kept) {
            log.access("session", "client lost, program kept %d ms for it to resume", config.protocol().resumeMs());
        }
        // The session will send nothing more: whatever waited for its sends is read on now.
        rearms.forEach(Once::run);
        if (finishNow) {
            finish();
        } else if (!kept) {
            child.terminate(config.closeMs(), gateway.timer());
        }
    }

    /** Nobody resumed in time: the kill sequence, as for a client that left. */
    private void expire() {
        boolean finishNow;
        synchronized (lock) {
            if (attached != null || expiry == null) {
                return;
            }
            expiry = null;
            tokens.revoke(token);
            token = null;
            finishNow = exit != null;
        }
        log.access("session", "no client resumed within %d ms, ending the program", config.protocol().resumeMs());
        if (finishNow) {
            finish();
        } else {
            child.terminate(config.closeMs(), gateway.timer());
        }
    }

    /**
     * A client brought this program's token (already spent) and the last seq it has: it becomes the attached
     * session and gets a new start, what it missed, then live output. A session still attached (its client's old
     * connection, not yet seen to be dead) is displaced. Null when done, else why not.
     */
    String resume(ProtocolConnection to, long since) {
        ProtocolConnection old;
        List<Once> rearms;
        synchronized (lock) {
            if (finished.get() || expiry == null && attached == null) {
                return "the program has ended";
            }
            OutputLog.Replay replay = outputs.after(since);
            if (replay == null) {
                // Not this client's fault to lose its place: the token stays good for a correct request.
                tokens.restore(token, this);
                return "\"since\" " + since + " is ahead of the output (last seq " + outputs.lastSeq() + ")";
            }
            if (expiry != null) {
                expiry.cancel(false);
                expiry = null;
            }
            old = attached;
            attached = to;
            rearms = List.copyOf(waitingRearms);
            waitingRearms.clear();
            to.sends().enqueue(startEvent(), null);
            if (replay.missed()) {
                to.sends().enqueue(new ServerEvent.Missed(replay.missedFrom(), replay.missedTo()), null);
            }
            for (Object m : replay.messages()) {
                to.sends().enqueue(m, null);
            }
            if (exit != null) {
                queueExit(to);
            }
        }
        if (old != null) {
            old.displaced();
        }
        to.sends().flush();
        rearms.forEach(Once::run);
        return null;
    }

    /** Once: the program and its connection are over for good. */
    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        synchronized (lock) {
            tokens.revoke(token);
            token = null;
            if (expiry != null) {
                expiry.cancel(false);
                expiry = null;
            }
        }
        gateway.untrack(child);
        gateway.connectionEnded(id);
        forks.release();
        log.access("session", "DISCONNECT");
    }

    /** On the gateway's timer; null when it has stopped (shutdown), when nothing more will be scheduled. */
    private ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        try {
            return gateway.timer().schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** A re-arm that runs once, whichever of its session's send and its session's end comes first. */
    private static final class Once implements Runnable {
        private final Runnable action;
        private final AtomicBoolean done = new AtomicBoolean();

        Once(Runnable action) {
            this.action = action;
        }

        @Override
        public void run() {
            if (done.compareAndSet(false, true)) {
                action.run();
            }
        }
    }
}
