package io.procsocket.codec;

import io.procsocket.message.StdoutChunk;
import jakarta.websocket.Encoder;
import java.nio.ByteBuffer;

/**
 * {@link StdoutChunk} to a binary frame; the bytes are framed (copied) by the container before send returns.
 * Each send gets its own view of the bytes: a shared program's chunk goes to many clients, and a container
 * reading the buffer moves its position.
 */
public final class StdoutChunkEncoder implements Encoder.Binary<StdoutChunk> {
    @Override
    public ByteBuffer encode(StdoutChunk chunk) {
        return chunk.bytes().duplicate();
    }
}
