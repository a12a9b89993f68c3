package io.procsocket.codec;

import io.procsocket.message.ServerEvent;
import io.procsocket.message.StdStreamLine;
import io.procsocket.message.StreamChunk;
import io.procsocket.message.StdoutChunk;
import io.procsocket.message.StdoutLine;
import jakarta.websocket.EncodeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A server-to-client message as the bytes of one whole WebSocket frame (RFC 6455 5.2: FIN, opcode, length, no
 * mask), its payload made by the same {@code Encoder}s the sessions use. Server frames are unmasked, so the
 * bytes are the same for every client: a shared program's line is framed once, whatever the number of clients.
 */
public final class WireFrames {
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final StdoutLineEncoder LINES = new StdoutLineEncoder();
    private static final StdStreamLineEncoder STREAMS = new StdStreamLineEncoder();
    private static final StdoutChunkEncoder CHUNKS = new StdoutChunkEncoder();
    private static final ServerEventEncoder EVENTS = new ServerEventEncoder();
    private static final StreamChunkEncoder STREAM_CHUNKS = new StreamChunkEncoder();

    private WireFrames() { }

    /** A StdoutLine, StdStreamLine, StdoutChunk, or procsocket.v1's ServerEvent or StreamChunk, as one frame. */
    public static byte[] of(Object message) throws EncodeException {
        if (message instanceof StdoutLine l) {
            return frame(TEXT, ByteBuffer.wrap(LINES.encode(l).getBytes(StandardCharsets.UTF_8)));
        }
        if (message instanceof StdStreamLine s) {
            return frame(TEXT, ByteBuffer.wrap(STREAMS.encode(s).getBytes(StandardCharsets.UTF_8)));
        }
        if (message instanceof StdoutChunk c) {
            return frame(BINARY, CHUNKS.encode(c));
        }
        if (message instanceof ServerEvent e) {
            return frame(TEXT, ByteBuffer.wrap(EVENTS.encode(e).getBytes(StandardCharsets.UTF_8)));
        }
        if (message instanceof StreamChunk c) {
            return frame(BINARY, STREAM_CHUNKS.encode(c));
        }
        throw new IllegalArgumentException("not an output message: " + message.getClass().getName());
    }

    /** Frames written back to back, as one buffer for one write. */
    public static ByteBuffer join(java.util.List<byte[]> frames) {
        int total = 0;
        for (byte[] f : frames) {
            total += f.length;
        }
        ByteBuffer all = ByteBuffer.allocate(total);
        for (byte[] f : frames) {
            all.put(f);
        }
        return all.flip();
    }

    static byte[] frame(int opcode, ByteBuffer payload) {
        int n = payload.remaining();
        int header = n <= 125 ? 2 : n <= 0xFFFF ? 4 : 10;
        byte[] out = new byte[header + n];
        out[0] = (byte) (0x80 | opcode);
        if (n <= 125) {
            out[1] = (byte) n;
        } else if (n <= 0xFFFF) {
            out[1] = 126;
            out[2] = (byte) (n >>> 8);
            out[3] = (byte) n;
        } else {
            out[1] = 127;
            long len = n;
            for (int i = 0; i < 8; i++) {
                out[2 + i] = (byte) (len >>> (56 - 8 * i));
            }
        }
        payload.duplicate().get(out, header, n);
        return out;
    }
}
