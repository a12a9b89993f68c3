package io.procsocket.endpoint;

import io.procsocket.config.Config;
import io.procsocket.gateway.FrameWriter;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.gateway.PendingConnections;
import io.procsocket.log.GatewayLog;
import io.procsocket.message.ClientRequest;
import io.procsocket.message.ServerEvent;
import io.procsocket.message.StdStreamLine;
import io.procsocket.message.StdoutChunk;
import io.procsocket.message.StdoutLine;
import io.procsocket.message.StreamChunk;
import io.procsocket.ops.RouteMetrics;
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
    private final RouteMetrics metrics;
    private final AtomicBoolean left = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Set under the audience's lock when a frame did not fit; acted on in {@link #flush}. */
    private volatile boolean behind;
    private final Runnable sent = this::sent;
    /** The front door's own frame writer (standalone), or null. */
    private final FrameWriter frames;
    private FrameQueue sends;
    private volatile Heartbeat heartbeat;
    /** procsocket.v1: the program's output as typed messages, numbered for this client. */
    private final boolean typed;
    /** The last seq this client was given; under the audience's lock, as {@link #enqueue} is. */
    private long seq;

    SharedViewer(Gateway gateway, Session session, PendingConnections.Pending pending, boolean typed) {
        this.typed = typed;
        this.gateway = gateway;
        this.session = session;
        this.process = pending.shared();
        this.frames = pending.frames();
        this.config = gateway.configFor(pending.route());
        this.limit = config.shared().queueBytes();
        this.id = gateway.nextId();
        HandshakeInfo request = pending.request();
        this.log = GatewayEndpoint.sessionLog(request, id, pending.route().label());
        this.metrics = gateway.metrics().route(pending.route().label());
    }

    @Override
    public void start() {
        log.access("session", "CONNECT");
        ClientInput.limit(session, config);
        sends = new FrameQueue(session.getAsyncRemote(), frames, this::sendFailed, sent, metrics);
        if (typed) {
            // First, before the replay join queues. The program may not run yet, or run on another instance: no pid.
            sends.enqueue(Frame.of(new ServerEvent.Start(0, id, null)), Long.MAX_VALUE);
        }
        // Joined before its messages are read: a client sees the answer to its own first message.
        process.join(this);
        metrics.sharedJoined();
        if (typed) {
            new ProtocolInput(session, config, log, this::heard, this::request, this::clientGone, metrics).attach();
        } else {
            new ClientInput(session, config, log, this::heard, this::input, this::clientGone, metrics).attach();
        }
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

    /** procsocket.v1: stdin goes to the shared program; nobody may close its stdin, signal it, or resume it alone. */
    private void request(ClientRequest request) {
        String problem = null;
        if (request instanceof ClientRequest.Stdin s) {
            switch (process.write(this, s.data(), 0, s.data().length)) {
                case FULL -> inputRefused();
                case READ_ONLY -> problem = "this shared program takes no input (--shared-input=none)";
                case NOT_RUNNING -> problem = "the shared program is not running";
                default -> { }
            }
            if (problem == null) {
                return;
            }
        }
        problem = problem != null ? problem : request instanceof ClientRequest.Invalid i ? i.reason()
                : request instanceof ClientRequest.Eof ? "eof is not possible on a shared program"
                : request instanceof ClientRequest.SignalRequest ? "signals cannot be sent to a shared program"
                : "a shared program cannot be resumed: connect again to watch it";
        // Bounded as output is: a client that sends bad requests without reading the answers falls behind.
        if (!sends.enqueue(Frame.of(new ServerEvent.Error(problem)), limit)) {
            behind = true;
        }
        flush();
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
        if (!sends.enqueue(typed ? typed(frame) : frame, limit)) {
            behind = true;
        }
    }

    /** Under the audience's lock: the shared frame as this client's numbered message (framed once per client). */
    private Frame typed(Frame frame) {
        Object m = frame.message();
        long n = ++seq;
        if (m instanceof StdoutChunk c) {
            return Frame.of(new StreamChunk(ServerEvent.Stream.STDOUT, c.bytes()));
        }
        if (m instanceof StdStreamLine l) {
            return Frame.of(new ServerEvent.Output(l.stream() == StdStreamLine.Stream.STDERR
                    ? ServerEvent.Stream.STDERR : ServerEvent.Stream.STDOUT, n, l.data()));
        }
        return Frame.of(new ServerEvent.Output(ServerEvent.Stream.STDOUT, n, ((StdoutLine) m).text()));
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
            metrics.slowClientClosed();
            close(new CloseReason(CloseCodes.VIOLATED_POLICY, "fell behind: over " + limit + " bytes queued"));
            clientGone();
        }
    }

    @Override
    public void cutOff() {
        behind = true;
        if (!left.get()) {
            log.access("session", "client missed output on the shared bus, closing it");
            metrics.slowClientClosed();
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
        if (typed) {
            // Its code as the shared program's owner reported it: over the bus a death by signal reads as 128 + it.
            sends.enqueue(Frame.of(status == LAUNCH_FAILED ? new ServerEvent.Error("launch failed")
                    : new ServerEvent.Exit(status, null)), Long.MAX_VALUE);
        }
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
        metrics.sharedLeft();
        process.leave(this);
    }
}
