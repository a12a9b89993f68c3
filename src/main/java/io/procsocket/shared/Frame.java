package io.procsocket.shared;

import io.procsocket.codec.WireFrames;
import io.procsocket.process.OutputFramer;
import jakarta.websocket.EncodeException;

/**
 * One message for every client of a shared program, made once however many clients get it: the message for
 * clients sent through JSR 356, and (made on first need, then kept) its bytes as a WebSocket frame for clients
 * whose front door writes frames itself.
 */
public final class Frame {
    private final Object message;
    private final int bytes;
    /** Two threads may both frame it (the bytes are the same); volatile so no thread sees a half-filled array. */
    private volatile byte[] wire;

    private Frame(Object message, int bytes) {
        this.message = message;
        this.bytes = bytes;
    }

    /** A StdoutLine, StdoutChunk or StdStreamLine. */
    public static Frame of(Object message) {
        return new Frame(message, OutputFramer.size(message));
    }

    public Object message() {
        return message;
    }

    /** Its size on the wire, near enough to bound queues by. */
    public int bytes() {
        return bytes;
    }

    /** The whole frame, as written to every client. */
    public byte[] wire() throws EncodeException {
        byte[] w = wire;
        if (w == null) {
            w = WireFrames.of(message);
            wire = w;
        }
        return w;
    }
}
