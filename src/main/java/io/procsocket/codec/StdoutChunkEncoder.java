package io.procsocket.codec;

import io.procsocket.message.StdoutChunk;
import jakarta.websocket.Encoder;
import java.nio.ByteBuffer;

/** {@link StdoutChunk} to a binary frame; the bytes are framed (copied) by the container before send returns. */
public final class StdoutChunkEncoder implements Encoder.Binary<StdoutChunk> {
    @Override
    public ByteBuffer encode(StdoutChunk chunk) {
        return chunk.bytes();
    }
}
