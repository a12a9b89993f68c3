package io.procsocket.endpoint;

import io.procsocket.config.Config;
import io.procsocket.log.GatewayLog;
import io.procsocket.message.StdinChunk;
import io.procsocket.message.StdinLine;
import io.procsocket.ops.RouteMetrics;
import jakarta.websocket.CloseReason;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;

/**
 * A client's messages as bytes for a program's stdin, the same for a connection's own program and a shared
 * one: a text message is a line (its text and a newline; raw, without one, with --binary), a binary message
 * its bytes as they are (websocketd writes them so even to a text-mode program: the dev console's "send file").
 * Messages over --maxframesize close the session with 1009 instead.
 */
final class ClientInput {
    /** Where the bytes go; on the container's thread that read the message. */
    interface Stdin {
        void write(byte[] bytes, int off, int len);
    }

    private final Session session;
    private final Config config;
    private final GatewayLog log;
    private final Runnable heard;
    private final Stdin stdin;
    private final Runnable tooBig;
    private final RouteMetrics metrics;

    /**
     * @param heard  called for every message (--pingms counts any frame as a sign of life)
     * @param tooBig called once the session is closed for a message over --maxframesize
     */
    ClientInput(Session session, Config config, GatewayLog log, Runnable heard, Stdin stdin, Runnable tooBig,
                RouteMetrics metrics) {
        this.metrics = metrics;
        this.session = session;
        this.config = config;
        this.log = log;
        this.heard = heard;
        this.stdin = stdin;
        this.tooBig = tooBig;
    }

    void attach() {
        boolean newline = !config.binary();
        session.addMessageHandler(StdinLine.class, (MessageHandler.Whole<StdinLine>) line -> onText(line, newline));
        session.addMessageHandler(StdinChunk.class, (MessageHandler.Whole<StdinChunk>) this::onBinary);
    }

    private void onText(StdinLine line, boolean withNewline) {
        heard.run();
        byte[] bytes = line.toBytes();
        int textBytes = bytes.length - 1;
        if (overLimit(textBytes)) {
            return;
        }
        metrics.received(textBytes);
        stdin.write(bytes, 0, withNewline ? bytes.length : textBytes);
    }

    private void onBinary(StdinChunk chunk) {
        heard.run();
        ByteBuffer b = chunk.bytes();
        if (overLimit(b.remaining())) {
            return;
        }
        metrics.received(b.remaining());
        if (b.hasArray()) {
            stdin.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        } else {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            stdin.write(copy, 0, copy.length);
        }
    }

    /**
     * --maxframesize, checked here because Tyrus applies the session's buffer size only to messages
     * split over several frames: a single frame up to its frame buffer would be delivered whole.
     */
    private boolean overLimit(int messageBytes) {
        if (!overLimit(session, config, log, metrics, messageBytes)) {
            return false;
        }
        tooBig.run();
        return true;
    }

    /** As above, for any message of the session: true (and the session closed with 1009) when it is too big. */
    static boolean overLimit(Session session, Config config, GatewayLog log, RouteMetrics metrics, long messageBytes) {
        if (config.maxFrameSize() == 0 || messageBytes <= config.maxFrameSize()) {
            return false;
        }
        metrics.tooBig();
        log.access("session", "message of %d bytes over --maxframesize %d", messageBytes, config.maxFrameSize());
        GatewayEndpoint.closeQuietly(session, new CloseReason(CloseReason.CloseCodes.TOO_BIG, "message too big"));
        return true;
    }

    /** The session's limits, as every gateway session has them. */
    static void limit(Session session, Config config) {
        int max = config.maxFrameSize() == 0 ? Integer.MAX_VALUE : config.maxFrameSize();
        session.setMaxTextMessageBufferSize(max);
        session.setMaxBinaryMessageBufferSize(max);
        session.setMaxIdleTimeout(ProcessConnection.NEVER_IDLE);
    }
}
