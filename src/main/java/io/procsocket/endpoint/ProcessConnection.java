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
import io.procsocket.process.LineSplitter;
import io.procsocket.process.Signals;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EncodeException;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Joins one session and one child. Two independent directions, no queue between them:
 * client frames are written to stdin on the container thread that read them (a full pipe holds
 * back only this client's socket), and one pump thread per child copies stdout into frames with
 * blocking sends (a slow client fills the pipe and the child blocks; nothing piles up in memory).
 */
final class ProcessConnection {
    /**
     * One read of stdout, and the largest --binary chunk. 8 KiB is what the JDK reads through a stack
     * buffer: a larger array makes every read malloc and free a native copy, and it stays allocated for
     * the whole life of an idle connection (measured: 64 KiB cost ~56 KiB of heap per idle connection).
     */
    private static final int READ_BUFFER = 8192;
    /** stderr is for diagnostics: a small buffer, since it too lives as long as the connection. */
    private static final int STDERR_BUFFER = 1024;
    /** Text lines longer than this go out in pieces rather than growing a buffer without limit. */
    private static final int MAX_LINE = 1 << 20;
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

    private final Gateway gateway;
    private final Session session;
    private final HandshakeInfo request;
    private final PendingConnections.Pending pending;
    private final Config config;
    private final String id;
    private final AtomicBoolean clientOpen = new AtomicBoolean(true);
    private final AtomicBoolean finished = new AtomicBoolean();
    private GatewayLog log;
    private ChildProcess child;
    private volatile Heartbeat heartbeat;
    private final Object sendLock = new Object();
    private volatile ScheduledFuture<?> stdinProbe;

    ProcessConnection(Gateway gateway, Session session, PendingConnections.Pending pending) {
        this.gateway = gateway;
        this.session = session;
        this.pending = pending;
        this.request = pending.request();
        this.config = gateway.config();
        this.id = gateway.nextId();
        String origin = request.header("Origin");
        this.log = GatewayLog.root()
                .with("url", request.logUrl())
                .with("id", id)
                .with("remote", request.remoteAddr())
                .with("command", pending.route().program())
                .with("origin", origin == null ? "file:" : origin);
    }

    void start() {
        log.access("session", "CONNECT");
        int max = config.maxFrameSize() == 0 ? Integer.MAX_VALUE : config.maxFrameSize();
        session.setMaxTextMessageBufferSize(max);
        session.setMaxBinaryMessageBufferSize(max);
        session.setMaxIdleTimeout(0);

        Map<String, String> env = CgiEnvironment.build(request, pending.route(), config, id,
                CgiEnvironment.remoteHost(request.remoteAddr(), config.reverseLookup()));
        try {
            child = gateway.launcher().launch(pending.route().command(), env);
        } catch (IOException | RuntimeException e) {
            log.error("process", "Could not launch process %s (%s)", String.join(" ", pending.route().command()),
                    e.getMessage());
            GatewayEndpoint.closeQuietly(session, new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION,
                    CloseReasons.truncate("launch failed: " + e.getMessage())));
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
        }
        try {
            stdinProbe = gateway.timer().scheduleWithFixedDelay(this::probeBlockedClient,
                    STDIN_PROBE_MS, STDIN_PROBE_MS, TimeUnit.MILLISECONDS);
            gateway.pumps().execute(this::pumpStdout);
            gateway.pumps().execute(this::pumpStderr);
            if (config.pingMs() > 0) {
                heartbeat = new Heartbeat(session, config.pingMs(), gateway.timer(), this::peerSilent);
                session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) p -> heartbeat.heard());
                heartbeat.start();
            }
        } catch (RejectedExecutionException e) {
            // The server is shutting down and nothing will ever read this child: end it now, or it
            // would outlive its connection untracked.
            Signals.signalGroup(child.pid(), Signals.SIGKILL);
            clientOpen.set(false);
            GatewayEndpoint.closeQuietly(session, new CloseReason(CloseReason.CloseCodes.GOING_AWAY,
                    "server shutting down"));
            finish();
            return;
        }
        // A child that exits while a grandchild still holds its stdout open would otherwise keep the
        // connection (and the grandchild) alive forever.
        child.onExit(() -> gateway.timer().schedule(() -> child.terminate(config.closeMs(), gateway.timer()),
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

    /** The client closed or vanished: websocketd's kill sequence, then the pump drains to EOF. */
    void clientGone() {
        clientOpen.set(false);
        if (child != null) {
            child.terminate(config.closeMs(), gateway.timer());
        }
    }

    private void pumpStdout() {
        RemoteEndpoint.Basic remote = basicRemote();
        try (InputStream out = child.stdout()) {
            if (config.binary()) {
                byte[] buf = new byte[READ_BUFFER];
                int n;
                while ((n = out.read(buf)) >= 0) {
                    if (n > 0) {
                        send(remote, new StdoutChunk(ByteBuffer.wrap(buf, 0, n)));
                    }
                }
            } else {
                LineSplitter.readLines(out, READ_BUFFER, MAX_LINE, text -> send(remote, stdoutMessage(text)));
            }
        } catch (IOException e) {
            log.debug("process", "stdout read failed: %s", e.getMessage());
        }
        endOfOutput();
    }

    /** The session's sender, or null (and the client marked gone) if it closed before the pump started. */
    private RemoteEndpoint.Basic basicRemote() {
        try {
            return session.getBasicRemote();
        } catch (IllegalStateException e) {
            // Keep draining anyway, so the child is never stuck on a full pipe while it is being stopped.
            clientOpen.set(false);
            return null;
        }
    }

    private Object stdoutMessage(String text) {
        return config.passStderr() ? new StdStreamLine(StdStreamLine.Stream.STDOUT, text) : new StdoutLine(text);
    }

    private void send(RemoteEndpoint.Basic remote, Object message) {
        if (remote == null || !clientOpen.get()) {
            return; // keep draining so the child is never stuck on a full pipe while it is being stopped
        }
        try {
            // With --passstderr two pumps send; a basic remote takes one message at a time.
            synchronized (sendLock) {
                remote.sendObject(message);
            }
        } catch (IOException | EncodeException | RuntimeException e) {
            // RuntimeException too: Tyrus throws a bare one ("Socket is not connected.") when the
            // connection closed between our check and the send. Escaping, it killed the pump thread, so
            // the connection never finished: the child stayed tracked and its --maxforks slot was lost.
            log.debug("session", "send failed: %s", e.getMessage());
            clientGone();
        }
    }

    private void pumpStderr() {
        try (InputStream err = child.stderr()) {
            LineSplitter.readLines(err, STDERR_BUFFER, MAX_LINE, this::onStderrLine);
        } catch (IOException e) {
            log.debug("process", "stderr read failed: %s", e.getMessage());
        }
    }

    private void onStderrLine(String line) {
        log.error("stderr", "%s", line);
        if (config.passStderr()) {
            send(basicRemote(), new StdStreamLine(StdStreamLine.Stream.STDERR, line));
        }
    }

    /** stdout is at EOF: make sure the whole group is gone, then tell the client how it ended. */
    private void endOfOutput() {
        child.terminate(config.closeMs(), gateway.timer());
        int status;
        try {
            status = child.awaitExit(2000 + 3 * config.closeMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = -1;
        }
        log.debug("process", "Process exited with status %d", status);
        if (clientOpen.getAndSet(false)) {
            GatewayEndpoint.closeQuietly(session, CloseReasons.forExit(status));
        }
        finish();
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
        gateway.forks().release();
        log.access("session", "DISCONNECT");
    }
}
