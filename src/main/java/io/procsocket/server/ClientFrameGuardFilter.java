package io.procsocket.server;

import io.procsocket.log.GatewayLog;
import io.procsocket.ops.Metrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.attributes.AttributeBuilder;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Every upgraded connection's frames pass here before Tyrus parses them, so the limits hold whatever Tyrus
 * would buffer: an unmasked client frame closes with 1002 (RFC 6455 5.1, unchecked by Tyrus 2.2.2); a frame
 * that makes its message larger than --maxframesize closes with 1009 from its header alone, single frame or
 * fragment alike, before any of its payload is kept; a message that has begun and then receives nothing for
 * --messagetimeoutms closes with 1008. On the way out it watches for the server's close frame: a client that
 * never answers it has its connection closed after {@link #CLOSE_HANDSHAKE_MS}, so no ending leaves a socket
 * open. The hot path costs a few comparisons per read and one per frame written.
 */
final class ClientFrameGuardFilter extends BaseFilter {
    /** The admitted request's log scope (url, remote), set by the upgrade guard. */
    static final Attribute<GatewayLog> LOG = AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(ClientFrameGuardFilter.class.getName() + ".log");
    private static final Attribute<Guarded> STATE = AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(ClientFrameGuardFilter.class.getName() + ".state");
    /** How long a client may take to answer our close frame before the TCP connection is closed under it. */
    static final long CLOSE_HANDSHAKE_MS = 5000;
    private static final int OPCODE_CLOSE = 0x8;
    /** The largest frame kept back whole before Tyrus sees it (see {@link #wholeFramesOnly}). */
    static final long MAX_HELD = 64L << 20;

    private final long maxMessage;
    private final long messageTimeoutMs;
    private final ScheduledExecutorService timer;
    private final Metrics metrics;

    /**
     * @param maxMessage       --maxframesize (0 = no limit)
     * @param messageTimeoutMs --messagetimeoutms (0 = no limit)
     */
    ClientFrameGuardFilter(long maxMessage, long messageTimeoutMs, ScheduledExecutorService timer, Metrics metrics) {
        this.metrics = metrics;
        this.maxMessage = maxMessage;
        this.messageTimeoutMs = messageTimeoutMs;
        this.timer = timer;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Object message = ctx.getMessage();
        if (!(message instanceof HttpContent content)) {
            return ctx.getInvokeAction();
        }
        HttpHeader header = content.getHttpHeader();
        if (!header.isRequest() || !"websocket".equalsIgnoreCase(header.getUpgrade())) {
            return ctx.getInvokeAction();
        }
        Connection<?> connection = ctx.getConnection();
        Guarded state = STATE.get(connection);
        boolean handshake = state == null;
        if (handshake) {
            state = new Guarded(connection);
            STATE.set(connection, state);
        }
        if (state.failed) {
            // Closing already: nothing more of this client's is worth parsing.
            return ctx.getStopAction();
        }
        switch (state.frames.accept(content.getContent())) {
            case UNMASKED -> {
                state.log.access("session", "protocol error: unmasked client frame, closing with 1002");
                return fail(ctx, state, 1002, "");
            }
            case TOO_BIG -> {
                long size = state.frames.refusedLength();
                state.log.access("session", "message of %s bytes over --maxframesize %d, closing with 1009",
                        size == Long.MAX_VALUE ? "2^63 or more" : Long.toString(size), maxMessage);
                metrics.refused(1009);
                return fail(ctx, state, 1009, "message too big");
            }
            default -> {
                state.midMessage = state.frames.midMessage();
                if (messageTimeoutMs > 0 && state.midMessage) {
                    state.lastProgressNanos = System.nanoTime();
                    state.watchProgress(messageTimeoutMs);
                }
                return wholeFramesOnly(ctx, content, state, handshake);
            }
        }
    }

    /**
     * Passes on the whole frames of what was read, unmasked, and keeps a frame the read ended inside until the rest
     * of it has come. Tyrus keeps a partial frame in a buffer that grows 256 bytes at a time, copying all it holds
     * at each read, and unmasks a byte at a time (see {@link ClientFrameUnmasker}). Here a partial frame waits as
     * Grizzly's remainder (a composite of the reads, nothing copied) and reaches Tyrus in one piece, copied once
     * and unmasked eight bytes at a step. Nothing is kept that Tyrus would not have kept: frames over the message
     * limit were refused above from their header; one over {@link #MAX_HELD} goes on to Tyrus as it comes, masked.
     */
    private NextAction wholeFramesOnly(FilterChainContext ctx, HttpContent content, Guarded state, boolean handshake) {
        ClientFrames frames = state.frames;
        Buffer buffer = content.getContent();
        boolean aligned = !state.streaming;
        HttpHeader header = content.getHttpHeader();
        if (handshake) {
            if (!buffer.hasRemaining()) {
                return ctx.getInvokeAction();
            }
            // Frames that share a read with the handshake: Tyrus loses them (it answered such a client with 1002
            // "RSV bit(s) incorrectly set", measured before this filter existed). It gets the handshake alone;
            // the bytes come straight back here as the next message (an unparsed chunk: no new read needed).
            frames.reset();
            ctx.setMessage(HttpContent.builder(header).content(Buffers.EMPTY_BUFFER).build());
            return ctx.getInvokeAction(HttpContent.builder(header).content(buffer).build());
        }
        if (frames.inFrame() && frames.declaredLength() > MAX_HELD) {
            state.streaming = frames.inFrame();
            return ctx.getInvokeAction();
        }
        int end = frames.lastFrameEnd();
        if (!aligned && frames.inFrame() && end < 0) {
            // Still inside the frame that is going on as it comes: its start is already Tyrus's, nothing to hold.
            return ctx.getInvokeAction();
        }
        state.streaming = false;
        if (!frames.inFrame()) {
            return pass(ctx, content, buffer, aligned);
        }
        frames.rewindToFrameStart();
        if (end < 0) {
            // No frame ended in this read: all of it is the start of one (the reads before it are held with it).
            return ctx.getStopAction(HttpContent.builder(header).content(buffer).build());
        }
        int limit = buffer.limit();
        Buffer rest = ctx.getMemoryManager().allocate(limit - end);
        rest.put(buffer, end, limit - end);
        rest.flip();
        buffer.limit(end);
        pass(ctx, content, buffer, aligned);
        return ctx.getInvokeAction(HttpContent.builder(header).content(rest).build(), null);
    }

    /**
     * Sends Tyrus whole frames in one array-backed buffer, unmasked if {@code aligned} (they start at a frame's
     * first byte). One buffer because Tyrus's filter hands each part of a composite to its frame parser on its
     * own, which would bring back the copying {@link #wholeFramesOnly} avoids.
     */
    private static NextAction pass(FilterChainContext ctx, HttpContent content, Buffer buffer, boolean aligned) {
        if (!buffer.hasRemaining() || (!aligned && !buffer.isComposite())) {
            return ctx.getInvokeAction();
        }
        Buffer frames = buffer;
        if (buffer.isComposite() || !buffer.hasArray()) {
            frames = ctx.getMemoryManager().allocate(buffer.remaining());
            frames.put(buffer);
            frames.flip();
            ctx.setMessage(HttpContent.builder(content.getHttpHeader()).content(frames).build());
        }
        if (aligned && frames.hasArray()) {
            int offset = frames.arrayOffset();
            int end = ClientFrameUnmasker.unmask(frames.array(), offset + frames.position(), offset + frames.limit());
            frames.limit(end - offset);
        }
        return ctx.getInvokeAction();
    }

    /** Tyrus writes one frame per buffer: a buffer that starts a close frame means the closing handshake began. */
    @Override
    public NextAction handleWrite(FilterChainContext ctx) throws IOException {
        if (ctx.getMessage() instanceof Buffer buffer && buffer.hasRemaining()
                && (buffer.get(buffer.position()) & 0x0F) == OPCODE_CLOSE) {
            Guarded state = STATE.get(ctx.getConnection());
            if (state != null) {
                state.closeSent();
            }
        }
        return ctx.getInvokeAction();
    }

    private NextAction fail(FilterChainContext ctx, Guarded state, int code, String reason) {
        state.failed = true;
        LingeringClose.write(ctx, Buffers.wrap(ctx.getMemoryManager(), closeFrame(code, reason)), timer, CLOSE_HANDSHAKE_MS);
        return ctx.getStopAction();
    }

    /** A close frame, unmasked as a server's must be. */
    static byte[] closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[4 + text.length];
        frame[0] = (byte) (0x80 | OPCODE_CLOSE);
        frame[1] = (byte) (2 + text.length);
        frame[2] = (byte) (code >> 8);
        frame[3] = (byte) code;
        System.arraycopy(text, 0, frame, 4, text.length);
        return frame;
    }

    /** One upgraded connection: its frame tracker and its two timers. */
    private final class Guarded {
        final Connection<?> connection;
        final ClientFrames frames = new ClientFrames(maxMessage);
        final GatewayLog log;
        volatile boolean failed;
        /** A frame too large to hold is going on to Tyrus as it comes, masked. */
        boolean streaming;
        /** Written by the reading thread, read by the timer: whether a message is under way. */
        volatile boolean midMessage;
        volatile long lastProgressNanos;
        private ScheduledFuture<?> progress;
        private ScheduledFuture<?> closing;

        Guarded(Connection<?> connection) {
            this.connection = connection;
            GatewayLog scope = LOG.get(connection);
            this.log = scope == null ? GatewayLog.root() : scope;
            connection.addCloseListener((closeable, type) -> cancelTimers());
        }

        /** At most one progress check is ever scheduled; it re-schedules itself while the message is under way. */
        synchronized void watchProgress(long timeoutMs) {
            if (progress == null) {
                progress = schedule(this::checkProgress, timeoutMs);
            }
        }

        private void checkProgress() {
            long waitMs;
            synchronized (this) {
                progress = null;
                if (failed || !midMessage || !connection.isOpen()) {
                    return;
                }
                long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastProgressNanos);
                waitMs = messageTimeoutMs - silentMs;
                if (waitMs > 0) {
                    progress = schedule(this::checkProgress, waitMs);
                    return;
                }
                failed = true;
            }
            log.access("session", "message stalled: no bytes of it for %d ms (--messagetimeoutms), closing with 1008",
                    messageTimeoutMs);
            LingeringClose.write(connection, Buffers.wrap(connection.getMemoryManager(),
                    closeFrame(1008, "message timed out")), timer, CLOSE_HANDSHAKE_MS);
        }

        synchronized void closeSent() {
            if (closing == null) {
                closing = schedule(connection::closeSilently, CLOSE_HANDSHAKE_MS);
            }
        }

        synchronized void cancelTimers() {
            if (progress != null) {
                progress.cancel(false);
            }
            if (closing != null) {
                closing.cancel(false);
            }
        }

        private ScheduledFuture<?> schedule(Runnable task, long delayMs) {
            return ConnectionTimers.schedule(timer, task, delayMs);
        }
    }
}
