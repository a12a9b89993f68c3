package io.procsocket.codec;

import io.procsocket.message.StreamChunk;
import jakarta.websocket.Encoder;
import java.nio.ByteBuffer;

/** {@link StreamChunk} to a binary message: the stream's byte (1 stdout, 2 stderr), then the bytes as read. */
public final class StreamChunkEncoder implements Encoder.Binary<StreamChunk> {
    @Override
    public ByteBuffer encode(StreamChunk chunk) {
        // Its own view of the bytes: a shared program's chunk goes to many clients.
        ByteBuffer data = chunk.bytes().duplicate();
        ByteBuffer out = ByteBuffer.allocate(1 + data.remaining());
        out.put((byte) chunk.stream().id()).put(data).flip();
        return out;
    }
}
