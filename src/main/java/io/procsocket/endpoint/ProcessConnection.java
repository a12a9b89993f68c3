package io.procsocket.endpoint;

import io.procsocket.config.Config;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.gateway.PendingConnections;
import io.procsocket.log.GatewayLog;
import io.procsocket.message.StdinChunk;
import io.procsocket.message.StdinLine;
import io.procsocket.message.StdStreamLine;
import io.procsocket.message.StdoutChunk;
import io.procsocket.message.StdoutLine;
import io.procsocket.process.CgiEnvironment;
import io.procsocket.process.ChildProcess;
import io.procsocket.process.LaunchFailure;
import io.procsocket.process.LineSplitter;
import io.procsocket.process.PipeEnd;
import io.procsocket.process.PipeReactor;
import io.procsocket.process.Signals;
import jakarta.websocket.CloseReason;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Joins one session and one child. Two independent directions, no queue between them:
 * client frames are written to stdin on the container thread that read them (a full pipe holds
 * back only this client's socket), and the gateway's {@link PipeReactor} turns what the child prints
 * into frames with asynchronous sends, re-arming a pipe only once what it read has gone out (a slow
 * client fills the pipe and the child blocks; nothing piles up in memory, and no thread waits).
 */
final class ProcessConnection {
    /**
     * The largest --binary message: one read of stdout, as websocketd reads it (a 64 KiB buffer), so a 10,000-byte
     * echo through cat is one message and 100,000 bytes are two. At most one is in flight per connection.
     */
    private static final int BINARY_CHUNK = 64 * 1024;
    /** stderr lines longer than this go to the log (and --passstderr) in pieces: a log line, not a document. */
    private static final int MAX_STDERR_LINE = 1 << 20;
    /** How long an exited child's stdout may stay open (held by a grandchild) before the group is ended. */
    private static final long EXIT_GRACE_MS = 100;
    /**
     * While a stdin write is blocked (the child does not read), the container reads nothing more from
     * this client, so a client that vanishes would go unnoticed and the child would live forever. After
     * this long blocked, each probe pings the client: writing to a vanished peer fails, the container
     * closes the session, and the usual kill sequence runs.
     */
    private static final long STDIN_PROBE_MS = 1000;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
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
    private final LineSplitter stdoutLines;
    private final LineSplitter stderrLines = new LineSplitter(MAX_STDERR_LINE);
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
        this.config = gateway.config();
        this.stdoutLines = new LineSplitter(config.maxLineSize());
        this.id = gateway.openConnection();
        String origin = request.header("Origin");
        this.log = GatewayLog.root()
                .with("url", request.logUrl())
                .with("id", id)
                .with("remote", request.remoteAddr())
                .with("command", pending.route().label())
                .with("origin", origin == null ? "file:" : origin);
    }

    void start() {
        log.access("session", "CONNECT");
        int max = config.maxFrameSize() == 0 ? Integer.MAX_VALUE : config.maxFrameSize();
        session.setMaxTextMessageBufferSize(max);
        session.setMaxBinaryMessageBufferSize(max);
        session.setMaxIdleTimeout(NEVER_IDLE);

        Map<String, String> env = CgiEnvironment.build(request, pending.route(), config, id,
                CgiEnvironment.remoteHost(request.remoteAddr(), config.reverseLookup()));
        for (String name : CgiEnvironment.dropUnpassable(env)) {
            log.error("process", "%s not passed to the program: over Linux's 128 KiB for one variable", name);
        }
        try {
            child = gateway.launcher().launch(pending.route().command(), env, pending.stdin());
        } catch (IOException | RuntimeException e) {
            log.error("process", "Could not launch process %s (%s)", String.join(" ", pending.route().command()),
                    e.getMessage());
            // The client learns the errno, not the server's paths: those are for the log above.
            GatewayEndpoint.closeQuietly(session, new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION,
                    e instanceof LaunchFailure f ? "launch failed: " + f.errnoName() : "launch failed"));
            finish();
            return;
        }
        gateway.track(child);
        log = log.with("pid", Long.toString(child.pid()));
        log.debug("process", "Process started");

        if (config.binary()) {
            session.addMessageHandler(StdinChunk.class, (MessageHandler.Whole<StdinChunk>) this::onBinary);
            session.addMessageHandler(StdinLine.class, (MessageHandler.Whole<StdinLine>) this::onTextRaw);
        } else {
            session.addMessageHandler(StdinLine.class, (MessageHandler.Whole<StdinLine>) this::onText);
            // websocketd writes a binary message to a text-mode program's stdin as it is (the dev console's
            // "send file" does this); without a handler the container would fail the session instead.
            session.addMessageHandler(StdinChunk.class, (MessageHandler.Whole<StdinChunk>) this::onBinary);
        }
        sends = new SendQueue(session.getAsyncRemote(), this::sendFailed);
        try {
            stdinProbe = gateway.timer().scheduleWithFixedDelay(this::probeBlockedClient,
                    STDIN_PROBE_MS, STDIN_PROBE_MS, TimeUnit.MILLISECONDS);
            gateway.reactor().register(child.stdoutPipe(), this::onStdout);
            gateway.reactor().register(child.stderrPipe(), this::onStderr);
            if (config.pingMs() > 0) {
                heartbeat = new Heartbeat(session, config.pingMs(), gateway.timer(), this::peerSilent);
                session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) p -> heartbeat.heard());
                heartbeat.start();
            }
        } catch (RejectedExecutionException | IllegalStateException e) {
            // The server is shutting down and nothing will ever read this child: end it now, or it
            // would outlive its connection untracked.
            Signals.signalGroup(child.pid(), Signals.SIGKILL);
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

    /** Text mode: the message and a newline, so it is one line (or several) on stdin. */
    private void onText(StdinLine line) {
        writeText(line, true);
    }

    /** --binary: websocketd writes a text frame's bytes raw, without a newline. */
    private void onTextRaw(StdinLine line) {
        writeText(line, false);
    }

    private void writeText(StdinLine line, boolean withNewline) {
        if (heartbeat != null) {
            heartbeat.heard();
        }
        byte[] bytes = line.toBytes();
        int textBytes = bytes.length - 1;
        if (tooBig(textBytes)) {
            return;
        }
        writeStdin(bytes, 0, withNewline ? bytes.length : textBytes);
    }

    private void onBinary(StdinChunk chunk) {
        if (heartbeat != null) {
            heartbeat.heard();
        }
        ByteBuffer b = chunk.bytes();
        if (tooBig(b.remaining())) {
            return;
        }
        if (b.hasArray()) {
            writeStdin(b.array(), b.arrayOffset() + b.position(), b.remaining());
        } else {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            writeStdin(copy, 0, copy.length);
        }
    }

    /**
     * --maxframesize, checked here because Tyrus applies the session's buffer size only to messages
     * split over several frames: a single frame up to its frame buffer would be delivered whole.
     */
    private boolean tooBig(int messageBytes) {
        if (config.maxFrameSize() == 0 || messageBytes <= config.maxFrameSize()) {
            return false;
        }
        log.access("session", "message of %d bytes over --maxframesize %d", messageBytes, config.maxFrameSize());
        if (clientOpen.getAndSet(false)) {
            GatewayEndpoint.closeQuietly(session, new CloseReason(CloseReason.CloseCodes.TOO_BIG, "message too big"));
        }
        clientGone();
        return true;
    }

    private void writeStdin(byte[] bytes, int off, int len) {
        try {
            child.writeStdin(bytes, off, len);
        } catch (IOException e) {
            // The child closed stdin or exited; its stdout side ends the connection.
            log.debug("process", "stdin closed: %s", e.getMessage());
        }
    }

    /** Runs on the gateway timer: must never block, so the ping is sent asynchronously. */
    private void probeBlockedClient() {
        if (child.stdinBlockedNanos() < TimeUnit.MILLISECONDS.toNanos(STDIN_PROBE_MS) || !clientOpen.get()) {
            return;
        }
        try {
            session.getAsyncRemote().sendPing(EMPTY.duplicate());
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            log.debug("session", "client unreachable while stdin is blocked: %s", e.getMessage());
            clientGone();
        }
    }

    /** The client closed or vanished: websocketd's kill sequence, then the reactor reads stdout to its end. */
    void clientGone() {
        clientOpen.set(false);
        if (child != null) {
            child.terminate(config.closeMs(), gateway.timer());
        }
    }

    /** Reactor thread: stdout has data or ended. Never blocks. */
    private void onStdout(PipeReactor.Registration stdout) {
        try {
            readStdout(stdout);
        } catch (RuntimeException e) {
            // Whatever went wrong, the connection must still end: treat it as the end of the output.
            log.error("process", "stdout handling failed: %s", e);
            stdout.close();
            deliver(null, this::endOfOutput);
        }
    }

    private void readStdout(PipeReactor.Registration stdout) {
        PipeReactor reactor = gateway.reactor();
        int n = read(reactor, stdout, config.binary() ? BINARY_CHUNK : PipeReactor.READ_BUFFER, "stdout");
        if (n == PipeEnd.WOULD_BLOCK) {
            stdout.rearm();
        } else if (n == PipeEnd.EOF) {
            stdout.close();
            if (!config.binary()) {
                stdoutLines.finish(text -> deliver(stdoutMessage(text), null));
            }
            deliver(null, this::endOfOutput);
        } else if (config.binary()) {
            deliver(new StdoutChunk(ByteBuffer.wrap(Arrays.copyOf(reactor.bytes(), n))), stdout::rearm);
        } else {
            long cutBefore = stdoutLines.cutLines();
            stdoutLines.feed(reactor.bytes(), 0, n, text -> deliver(stdoutMessage(text), null));
            if (stdoutLines.cutLines() != cutBefore) {
                log.info("process", "stdout line longer than %d bytes sent in pieces (raise --maxframesize to "
                        + "send longer lines whole)", config.maxLineSize());
            }
            // Read more only once all of this has gone out: the client's pace is the child's pace.
            deliver(null, stdout::rearm);
        }
    }

    /** Reactor thread: stderr has data or ended. Lines go to the log (and with --passstderr to the client). */
    private void onStderr(PipeReactor.Registration stderr) {
        int n = read(gateway.reactor(), stderr, PipeReactor.READ_BUFFER, "stderr");
        if (n == PipeEnd.WOULD_BLOCK) {
            stderr.rearm();
        } else if (n == PipeEnd.EOF) {
            stderr.close();
            stderrLines.finish(this::onStderrLine);
        } else {
            stderrLines.feed(gateway.reactor().bytes(), 0, n, this::onStderrLine);
            if (config.passStderr()) {
                deliver(null, stderr::rearm);
            } else {
                stderr.rearm();
            }
        }
    }

    private int read(PipeReactor reactor, PipeReactor.Registration pipe, int max, String name) {
        try {
            return reactor.read(pipe, max);
        } catch (IOException e) {
            log.debug("process", "%s read failed: %s", name, e.getMessage());
            return PipeEnd.EOF;
        }
    }

    private void onStderrLine(String line) {
        log.error("stderr", "%s", line);
        if (config.passStderr()) {
            deliver(new StdStreamLine(StdStreamLine.Stream.STDERR, line), null);
        }
    }

    private Object stdoutMessage(String text) {
        return config.passStderr() ? new StdStreamLine(StdStreamLine.Stream.STDOUT, text) : new StdoutLine(text);
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
     * Sends the close frame off the reactor thread: a container may block in close() on a client that
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
        gateway.forks().release();
        log.access("session", "DISCONNECT");
    }
}
