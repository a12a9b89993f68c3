package io.procsocket.endpoint;

import io.procsocket.config.Config;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.PendingConnections;
import io.procsocket.log.GatewayLog;
import io.procsocket.message.ClientRequest;
import io.procsocket.message.ServerEvent;
import io.procsocket.ops.RouteMetrics;
import io.procsocket.process.ChildProcess;
import io.procsocket.protocol.ResumeTokens;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One procsocket.v1 session: its requests carried out on the program it is attached to ({@link ProtocolProcess}),
 * its own send queue, heartbeat and stdin probe. It starts a program, or (its first message a resume request)
 * attaches to one a dropped session left running. With --resume on, the program of a new session starts at its
 * first message, or {@link #START_WINDOW_MS} after it opened if it sends none, so that a resuming client never
 * starts a program it does not want.
 */
final class ProtocolConnection implements ClientSession {
    /** With --resume: how long a session that has sent nothing may wait for its program. */
    static final long START_WINDOW_MS = 500;
    /**
     * Most error messages waiting to be sent at once. Every bad request is answered, so a client that sends them
     * without reading the answers would grow the send queue without end: past this many it is closed with 1008.
     */
    static final int MAX_UNSENT_ERRORS = 64;

    private final Gateway gateway;
    private final Session session;
    private final PendingConnections.Pending pending;
    private final Config config;
    private final ResumeTokens<ProtocolProcess> tokens;
    private final String id;
    private final RouteMetrics metrics;
    private final AtomicBoolean gone = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicInteger unsentErrors = new AtomicInteger();
    private final Object decision = new Object();
    /** Guarded by {@link #decision}: whether the session has started a program, resumed one, or ended first. */
    private boolean decided;
    private ScheduledFuture<?> window;
    private volatile ProtocolProcess process;
    private volatile GatewayLog log;
    private SendQueue sends;
    private volatile Heartbeat heartbeat;
    private volatile ScheduledFuture<?> stdinProbe;

    ProtocolConnection(Gateway gateway, Session session, PendingConnections.Pending pending,
                       ResumeTokens<ProtocolProcess> tokens) {
        this.gateway = gateway;
        this.session = session;
        this.pending = pending;
        this.config = gateway.configFor(pending.route());
        this.tokens = tokens;
        this.id = gateway.nextId();
        this.metrics = gateway.metrics().route(pending.route().label());
        this.log = GatewayEndpoint.sessionLog(pending.request(), id, pending.route().label());
    }

    SendQueue sends() {
        return sends;
    }

    @Override
    public void start() {
        log.access("session", "CONNECT");
        ClientInput.limit(session, config);
        sends = new SendQueue(session.getAsyncRemote(), pending.frames(), this::sendFailed, metrics);
        new ProtocolInput(session, config, log, this::heard, this::request, () -> clientClosed(null), metrics).attach();
        try {
            if (config.pingMs() > 0) {
                heartbeat = new Heartbeat(session, config.pingMs(), gateway.timer(), this::peerSilent);
                session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) p -> heard());
                heartbeat.start();
            }
            stdinProbe = StdinProbe.start(gateway.timer(), session, log, this::stdinBlockedNanos, () -> !gone.get(),
                    () -> clientClosed(null));
            if (config.protocol().resume()) {
                synchronized (decision) {
                    window = gateway.timer().schedule(this::windowEnded, START_WINDOW_MS, TimeUnit.MILLISECONDS);
                }
            } else {
                decide(null);
            }
        } catch (RejectedExecutionException e) {
            // The server is shutting down: start nothing.
            closeSession(new CloseReason(CloseCodes.GOING_AWAY, "server shutting down"));
            clientClosed(new CloseReason(CloseCodes.GOING_AWAY, "server shutting down"));
        }
    }

    /** A request, on the container's thread that read it. */
    private void request(ClientRequest request) {
        if (gone.get()) {
            // Displaced by a resume (or closing): the program is no longer this connection's to write to.
            return;
        }
        ProtocolProcess p = process;
        if (p == null) {
            if (decide(request) && request instanceof ClientRequest.Resume) {
                return;
            }
            // Decided now, here or (having waited for it) on another thread; null if there is no program.
            p = process;
            if (p == null) {
                return;
            }
        }
        if (request instanceof ClientRequest.Stdin s) {
            if (p.stdinClosed()) {
                error("stdin is closed (eof was sent)");
                return;
            }
            try {
                p.writeStdin(s.data());
            } catch (IOException e) {
                // The program closed stdin or exited; its end reaches the client as the exit message.
                log.debug("process", "stdin closed: %s", e.getMessage());
            }
        } else if (request instanceof ClientRequest.Eof) {
            if (!p.closeStdin()) {
                error("stdin is closed already");
            }
        } else if (request instanceof ClientRequest.SignalRequest s) {
            if (!p.signal(s.signal())) {
                error("signal " + s.signal() + " cannot be sent on this platform");
            }
        } else if (request instanceof ClientRequest.Resume) {
            error("resume must be the first message of a connection");
        } else if (request instanceof ClientRequest.Invalid i) {
            error(i.reason());
        }
    }

    /**
     * The session's first request ({@code null}: its start window ended, or resuming is off) decides whether it
     * starts a program or resumes one; once. True if this call decided. The start or resume happens under the
     * lock, so a request racing the window's end waits for the program rather than finding none.
     */
    private boolean decide(ClientRequest first) {
        synchronized (decision) {
            if (decided) {
                return false;
            }
            decided = true;
            if (window != null) {
                window.cancel(false);
            }
            if (first instanceof ClientRequest.Resume r) {
                resume(r);
            } else {
                launch();
            }
            return true;
        }
    }

    /** The start window ended with nothing from the client: start its program, on a thread that may take the time. */
    private void windowEnded() {
        try {
            gateway.workers().execute(() -> decide(null));
        } catch (RejectedExecutionException e) {
            clientClosed(new CloseReason(CloseCodes.GOING_AWAY, "server shutting down"));
        }
    }

    private void launch() {
        ChildProcess child;
        gateway.processes().connectionOpened(id);
        try {
            child = ProgramStart.launch(gateway, pending, id, log);
        } catch (IOException | RuntimeException e) {
            CloseReason reason = ProgramStart.failed(e, pending, log);
            sends.send(new ServerEvent.Error(reason.getReasonPhrase()), () -> closeOffThread(reason));
            endWithoutProgram(true);
            return;
        }
        log = log.with("pid", Long.toString(child.pid()));
        log.debug("process", "Process started");
        ProtocolProcess p = new ProtocolProcess(gateway, pending, id, log, child, tokens);
        process = p;
        p.start(this);
    }

    private void resume(ClientRequest.Resume request) {
        ProtocolProcess p = tokens.take(request.token());
        if (p != null && !p.route().equals(pending.route())) {
            tokens.restore(request.token(), p);
            p = null;
        }
        String refused = p == null ? "unknown or expired resume token" : p.resume(this, request.since());
        if (refused != null) {
            // The token is never logged: it would let whoever reads the log take over the program.
            log.access("session", "RESUME REFUSED: %s", refused);
            CloseReason reason = new CloseReason(CloseCodes.VIOLATED_POLICY, "resume refused");
            sends.send(new ServerEvent.Error(refused), () -> closeOffThread(reason));
            endWithoutProgram(false);
            return;
        }
        // The program holds a fork slot of its own: the one this connection was admitted with goes back.
        pending.forks().release();
        pending.stdin().follow(p.backlog());
        process = p;
        log.access("session", "RESUMED program of connection %s (pid %d)", p.id(), p.pid());
        log = p.log();
    }

    /** This session never had a program: its fork slot goes back and its end is logged. */
    private void endWithoutProgram(boolean opened) {
        if (opened) {
            gateway.connectionEnded(id);
        }
        pending.forks().release();
        stopTimers();
        log.access("session", "DISCONNECT");
    }

    private void error(String message) {
        if (unsentErrors.incrementAndGet() > MAX_UNSENT_ERRORS) {
            if (unsentErrors.getAndSet(Integer.MIN_VALUE / 2) > 0) {
                log.access("session", "more than %d error messages unread: the client sends bad requests without "
                        + "reading the answers, closing it", MAX_UNSENT_ERRORS);
                closeOffThread(new CloseReason(CloseCodes.VIOLATED_POLICY, "too many bad requests"));
                clientClosed(new CloseReason(CloseCodes.VIOLATED_POLICY, "too many bad requests"));
            }
            return;
        }
        sends.send(new ServerEvent.Error(message), unsentErrors::decrementAndGet);
    }

    private void heard() {
        Heartbeat h = heartbeat;
        if (h != null) {
            h.heard();
        }
    }

    /** --pingms: nothing at all from the peer for two intervals. A client that may resume. */
    private void peerSilent() {
        log.access("session", "No pong or frame from the client for %d ms, dropping it", 2 * config.pingMs());
        closeSession(new CloseReason(CloseCodes.GOING_AWAY, "ping timeout"));
        clientClosed(null);
    }

    /** How long this session's stdin write to its program has waited; 0 before it has a program. */
    private long stdinBlockedNanos() {
        ProtocolProcess p = process;
        return p == null ? 0 : p.stdinBlockedNanos();
    }

    private void sendFailed(Throwable cause) {
        log.debug("session", "send failed: %s", cause == null ? "unknown" : cause.getMessage());
        clientClosed(null);
    }

    @Override
    public void clientGone() {
        clientClosed(new CloseReason(CloseCodes.NORMAL_CLOSURE, null));
    }

    /**
     * The client closed ({@code reason}) or vanished (null). Without a close frame, or with 1001 or 1006, its
     * program may wait for it to resume; any other close ends it, as in line mode.
     */
    @Override
    public void clientClosed(CloseReason reason) {
        if (!gone.compareAndSet(false, true)) {
            return;
        }
        stopTimers();
        boolean undecided;
        synchronized (decision) {
            undecided = !decided;
            decided = true;
            if (window != null) {
                window.cancel(false);
            }
        }
        if (undecided) {
            endWithoutProgram(false);
            return;
        }
        ProtocolProcess p = process;
        if (p != null) {
            p.detach(this, resumable(reason));
        }
    }

    static boolean resumable(CloseReason reason) {
        if (reason == null) {
            return true;
        }
        int code = reason.getCloseCode().getCode();
        return code == CloseCodes.GOING_AWAY.getCode() || code == CloseCodes.CLOSED_ABNORMALLY.getCode();
    }

    /** Another session resumed this one's program: this one is closed and has no say over the program any more. */
    void displaced() {
        gone.set(true);
        stopTimers();
        log.access("session", "DISCONNECT (resumed on another connection)");
        closeOffThread(new CloseReason(CloseCodes.GOING_AWAY, "resumed elsewhere"));
    }

    /** May block (a container writing the close frame to a client that does not read): call off shared threads. */
    void closeSession(CloseReason reason) {
        if (closing.compareAndSet(false, true) && session.isOpen()) {
            GatewayEndpoint.closeQuietly(session, reason);
        }
    }

    private void closeOffThread(CloseReason reason) {
        try {
            gateway.workers().execute(() -> closeSession(reason));
        } catch (RejectedExecutionException e) {
            closeSession(reason);
        }
    }

    private void stopTimers() {
        Heartbeat h = heartbeat;
        if (h != null) {
            h.stop();
        }
        ScheduledFuture<?> probe = stdinProbe;
        if (probe != null) {
            probe.cancel(false);
        }
    }
}
