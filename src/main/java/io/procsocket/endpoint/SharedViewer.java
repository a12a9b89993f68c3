package io.procsocket.endpoint;

import io.procsocket.config.Config;
import io.procsocket.gateway.FrameWriter;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.gateway.PendingConnections;
import io.procsocket.log.GatewayLog;
import io.procsocket.shared.Frame;
import io.procsocket.shared.Member;
import io.procsocket.shared.SharedProcess;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client of a shared program (--shared): its place in the route's {@link SharedProcess}, its own bounded
 * send queue (--shared-queue), and its messages written to the shared stdin. A client whose queue is full
 * fell behind: it is closed with 1008 and the program and everyone else go on at their pace.
 */
final class SharedViewer implements ClientSession, Member {
    /** How long a client closed for falling behind has to take its close frame before its connection is cut. */
    static final long DROP_GRACE_MS = 5000;

    private final Gateway gateway;
    private final Session session;
    private final SharedProcess process;
    private final Config config;
    private final long limit;
    private final String id;
    private final GatewayLog log;
    private final AtomicBoolean left = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Set under the audience's lock when a frame did not fit; acted on in {@link #flush}. */
    private volatile boolean behind;
    private final Runnable sent = this::sent;
    /** The front door's own frame writer (standalone), or null. */
    private final FrameWriter frames;
    private FrameQueue sends;
    private volatile Heartbeat heartbeat;

    SharedViewer(Gateway gateway, Session session, PendingConnections.Pending pending) {
        this.gateway = gateway;
        this.session = session;
        this.process = pending.shared();
        this.frames = pending.frames();
        this.config = gateway.config();
        this.limit = config.shared().queueBytes();
        this.id = gateway.nextId();
        HandshakeInfo request = pending.request();
        this.log = GatewayEndpoint.sessionLog(request, id, pending.route().label());
    }

    @Override
    public void start() {
        log.access("session", "CONNECT");
        ClientInput.limit(session, config);
        sends = new FrameQueue(session.getAsyncRemote(), frames, this::sendFailed, sent);
        // Joined before its messages are read: a client sees the answer to its own first message.
        process.join(this);
        new ClientInput(session, config, log, this::heard, this::input, this::clientGone).attach();
        if (config.pingMs() > 0) {
            try {
                heartbeat = new Heartbeat(session, config.pingMs(), gateway.timer(), this::peerSilent);
                session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) p -> heard());
                heartbeat.start();
            } catch (RejectedExecutionException e) {
                shutDown();
                clientGone();
            }
        }
    }

    private void heard() {
        Heartbeat h = heartbeat;
        if (h != null) {
            h.heard();
        }
    }

    private void input(byte[] bytes, int off, int len) {
        switch (process.write(this, bytes, off, len)) {
            case FULL -> inputRefused();
            case READ_ONLY -> log.debug("session", "message dropped: --shared-input=none");
            case NOT_RUNNING -> log.debug("session", "message dropped: the shared program is not running");
            default -> { }
        }
    }

    @Override
    public void inputRefused() {
        log.access("session", "the shared program is not reading its input: more than %d bytes wait, "
                + "closing the client", limit);
        close(new CloseReason(CloseCodes.VIOLATED_POLICY, "program input full"));
        clientGone();
    }

    /** Under the audience's lock: queue only. */
    @Override
    public void enqueue(Frame frame) {
        if (behind || left.get()) {
            return;
        }
        if (!sends.enqueue(frame, limit)) {
            behind = true;
        }
    }

    @Override
    public void flush() {
        if (!behind) {
            sends.flush();
            return;
        }
        if (!left.get()) {
            log.access("session", "client fell behind: more than %d bytes waiting to be sent (--shared-queue), "
                    + "closing it", limit);
            close(new CloseReason(CloseCodes.VIOLATED_POLICY, "fell behind: over " + limit + " bytes queued"));
            clientGone();
        }
    }

    @Override
    public void cutOff() {
        behind = true;
        if (!left.get()) {
            log.access("session", "client missed output on the shared bus, closing it");
            close(new CloseReason(CloseCodes.VIOLATED_POLICY, "fell behind: output missed"));
            clientGone();
        }
    }

    @Override
    public boolean hasRoom() {
        return !behind && !left.get() && sends.queuedBytes() < limit / 2;
    }

    /** A send completed: if this client has room again, a program waiting for room may be read on. */
    private void sent() {
        if (hasRoom()) {
            process.roomMade();
        }
    }

    @Override
    public void processEnded(int status) {
        CloseReason reason = status == LAUNCH_FAILED
                ? new CloseReason(CloseCodes.UNEXPECTED_CONDITION, "launch failed")
                : CloseReasons.forExit(status);
        // After everything it printed has gone out, as a connection's own program's end.
        sends.then(() -> close(reason));
    }

    @Override
    public void shutDown() {
        close(new CloseReason(CloseCodes.GOING_AWAY, "server shutting down"));
    }

    /** --pingms: nothing at all from the peer for two intervals. */
    private void peerSilent() {
        log.access("session", "No pong or frame from the client for %d ms, dropping it", 2 * config.pingMs());
        close(new CloseReason(CloseCodes.GOING_AWAY, "ping timeout"));
        clientGone();
    }

    private void sendFailed(Throwable cause) {
        log.debug("session", "send failed: %s", cause == null ? "unknown" : cause.getMessage());
        clientGone();
    }

    /**
     * Off the calling thread (the backend's reading thread, or a send's completion): a container may block in close() on a
     * client that stopped reading, and that must stall only this client.
     */
    private void close(CloseReason reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        Runnable close = () -> GatewayEndpoint.closeQuietly(session, reason);
        try {
            gateway.workers().execute(close);
        } catch (RejectedExecutionException e) {
            close.run();
        }
        // A client dropped for not reading will not read its close frame either: it waits behind everything
        // still queued for the socket, so the closing handshake's own bound never starts. Cut it off after that
        // bound instead, or its socket and kernel buffers would stay as long as it likes.
        FrameWriter w = frames;
        if (w != null && reason.getCloseCode() == CloseCodes.VIOLATED_POLICY) {
            try {
                gateway.timer().schedule(w::abort, DROP_GRACE_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                w.abort();
            }
        }
    }

    /** Once: the place goes back to the route, and the process may linger out or end. */
    @Override
    public void clientGone() {
        if (!left.compareAndSet(false, true)) {
            return;
        }
        Heartbeat h = heartbeat;
        if (h != null) {
            h.stop();
        }
        // Logged before leaving: the last client's leave may end the program, whose exit line must come after.
        log.access("session", "DISCONNECT");
        process.leave(this);
    }
}
