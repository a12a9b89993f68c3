package io.procsocket.endpoint;

import io.procsocket.config.Config;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.gateway.PendingConnections;
import io.procsocket.log.GatewayLog;
import io.procsocket.ops.RouteMetrics;
import io.procsocket.process.ChildProcess;
import io.procsocket.process.OutputFramer;
import io.procsocket.process.OutputWatch;
import jakarta.websocket.CloseReason;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Joins one session and one child. Two independent directions, no queue between them:
 * client frames are written to stdin on the container thread that read them (a full pipe holds
 * back only this client's socket), and the process backend's reader turns what the child prints
 * into frames with asynchronous sends, re-arming a pipe only once what it read has gone out (a slow
 * client fills the pipe and the child blocks; nothing piles up in memory, and no thread waits).
 */
final class ProcessConnection implements ClientSession {
    /** How long an exited child's stdout may stay open (held by a grandchild) before the group is ended. */
    private static final long EXIT_GRACE_MS = 100;
    /**
     * No idle timeout. Negative, not 0 (which JSR 356 also allows): for 0 Tyrus 2.2.2 schedules a no-op
     * idle check with delay 0 on every message sent or received, a thread wake-up per message (seen as
     * "tyrus-1-thread" context switches under load); for a negative value it schedules nothing.
     */
    static final long NEVER_IDLE = -1;

    private final Gateway gateway;
    private final Session session;
    private final HandshakeInfo request;
    private final PendingConnections.Pending pending;
    private final Config config;
    private final String id;
    private final AtomicBoolean clientOpen = new AtomicBoolean(true);
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final OutputFramer stdoutFramer;
    private final OutputFramer stderrFramer;
    private final RouteMetrics metrics;
    private GatewayLog log;
    private ChildProcess child;
    private SendQueue sends;
    private volatile Heartbeat heartbeat;
    private volatile ScheduledFuture<?> stdinProbe;

    ProcessConnection(Gateway gateway, Session session, PendingConnections.Pending pending) {
        this.gateway = gateway;
        this.session = session;
        this.pending = pending;
        this.request = pending.request();
        this.config = gateway.configFor(pending.route());
        this.stdoutFramer = OutputFramer.stdout(config);
        this.stderrFramer = OutputFramer.stderr(config);
        this.id = gateway.openConnection();
        this.metrics = gateway.metrics().route(pending.route().label());
        this.log = GatewayEndpoint.sessionLog(request, id, pending.route().label());
    }

    @Override
    public void start() {
        log.access("session", "CONNECT");
        ClientInput.limit(session, config);

        try {
            child = ProgramStart.launch(gateway, pending, id, log);
        } catch (IOException | RuntimeException e) {
            GatewayEndpoint.closeQuietly(session, ProgramStart.failed(e, pending, log));
            finish();
            return;
        }
        log = log.with("pid", Long.toString(child.pid()));
        log.debug("process", "Process started");

        new ClientInput(session, config, log, this::heard, this::writeStdin, () -> {
            clientOpen.set(false);
            clientGone();
        }, metrics).attach();
        sends = new SendQueue(session.getAsyncRemote(), pending.frames(), this::sendFailed, metrics);
        try {
            stdinProbe = StdinProbe.start(gateway.timer(), session, log, child::stdinBlockedNanos, clientOpen::get,
                    this::clientGone);
            child.watchStdout(this::onStdout);
            child.watchStderr(this::onStderr);
            if (config.pingMs() > 0) {
                heartbeat = new Heartbeat(session, config.pingMs(), gateway.timer(), this::peerSilent);
                session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) p -> heartbeat.heard());
                heartbeat.start();
            }
        } catch (RejectedExecutionException | IllegalStateException e) {
            // The server is shutting down and nothing will ever read this child: end it now, or it
            // would outlive its connection untracked.
            child.kill();
            child.closePipes();
            clientOpen.set(false);
            GatewayEndpoint.closeQuietly(session, new CloseReason(CloseReason.CloseCodes.GOING_AWAY,
                    "server shutting down"));
            finish();
            return;
        }
        // A child that exits while a grandchild still holds its stdout open would otherwise keep the
        // connection (and the grandchild) alive forever.
        child.onExit(status -> gateway.timer().schedule(() -> child.terminate(config.closeMs(), gateway.timer()),
                EXIT_GRACE_MS + config.closeMs(), TimeUnit.MILLISECONDS));
    }

    /** --pingms: nothing at all from the peer for two intervals. */
    private void peerSilent() {
        log.access("session", "No pong or frame from the client for %d ms, dropping it", 2 * config.pingMs());
        clientGone();
        GatewayEndpoint.closeQuietly(session, new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "ping timeout"));
    }

    private void heard() {
        Heartbeat h = heartbeat;
        if (h != null) {
            h.heard();
        }
    }

    private void writeStdin(byte[] bytes, int off, int len) {
        try {
            child.writeStdin(bytes, off, len);
        } catch (IOException e) {
            // The child closed stdin or exited; its stdout side ends the connection.
            log.debug("process", "stdin closed: %s", e.getMessage());
        }
    }

    /** The client closed or vanished: websocketd's kill sequence, then stdout is read to its end. */
    @Override
    public void clientGone() {
        clientOpen.set(false);
        if (child != null) {
            child.terminate(config.closeMs(), gateway.timer());
        }
    }

    /** The backend's reader: stdout has data or ended. Never blocks (but for the read itself, portable). */
    private void onStdout(OutputWatch stdout) {
        try {
            readStdout(stdout);
        } catch (RuntimeException e) {
            // Whatever went wrong, the connection must still end: treat it as the end of the output.
            log.error("process", "stdout handling failed: %s", e);
            stdout.close();
            deliver(null, this::endOfOutput);
        }
    }

    private void readStdout(OutputWatch stdout) {
        OutputFramer.Outcome outcome = stdoutFramer.read(stdout, log, m -> deliver(m, null));
        if (outcome == OutputFramer.Outcome.WOULD_BLOCK) {
            stdout.rearm();
        } else if (outcome == OutputFramer.Outcome.EOF) {
            stdout.close();
            deliver(null, this::endOfOutput);
        } else {
            // Read more only once all of this has gone out: the client's pace is the child's pace.
            deliver(null, stdout::rearm);
        }
    }

    /** The backend's reader: stderr has data or ended. Lines go to the log (and with --passstderr to the client). */
    private void onStderr(OutputWatch stderr) {
        OutputFramer.Outcome outcome = stderrFramer.read(stderr, log, m -> deliver(m, null));
        if (outcome == OutputFramer.Outcome.EOF) {
            stderr.close();
        } else if (outcome == OutputFramer.Outcome.DATA && config.passStderr()) {
            deliver(null, stderr::rearm);
        } else {
            stderr.rearm();
        }
    }

    /**
     * Queues a message (or only an action, with a null message) behind everything read before it. Once
     * the client is gone messages are dropped but actions still run, so the pipes keep draining and the
     * child is never stuck on a full pipe while it is being stopped.
     */
    private void deliver(Object message, Runnable afterward) {
        sends.send(clientOpen.get() ? message : null, afterward);
    }

    private void sendFailed(Throwable cause) {
        log.debug("session", "send failed: %s", cause == null ? "unknown" : cause.getMessage());
        clientGone();
    }

    /** stdout ended and everything before it was sent: end the whole group, then say how it ended. */
    private void endOfOutput() {
        child.terminate(config.closeMs(), gateway.timer());
        ScheduledFuture<?> bound = gateway.timer().schedule(() -> closeWith(-1),
                2000 + 3 * config.closeMs(), TimeUnit.MILLISECONDS);
        child.onExit(status -> {
            bound.cancel(false);
            closeWith(status);
        });
    }

    /**
     * Sends the close frame off the backend's reading thread: a container may block in close() on a client that
     * stopped reading (Tomcat writes it with a blocking send), and that must stall only this connection.
     */
    private void closeWith(int status) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        Runnable close = () -> {
            log.debug("process", "Process exited with status %d", status);
            clientOpen.set(false);
            // Whatever ended the connection, a session still open gets its close frame now: a client that
            // left has closed it already, but an error on our side (or a client that stopped answering) has not.
            if (session.isOpen()) {
                GatewayEndpoint.closeQuietly(session, CloseReasons.forExit(status));
            }
            finish();
        };
        try {
            gateway.workers().execute(close);
        } catch (RejectedExecutionException e) {
            close.run(); // shutting down: nobody else will
        }
    }

    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        if (heartbeat != null) {
            heartbeat.stop();
        }
        ScheduledFuture<?> probe = stdinProbe;
        if (probe != null) {
            probe.cancel(false);
        }
        if (child != null) {
            gateway.untrack(child);
        }
        gateway.connectionEnded(id);
        pending.forks().release();
        log.access("session", "DISCONNECT");
    }
}
