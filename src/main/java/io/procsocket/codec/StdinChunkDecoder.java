package io.procsocket.codec;

import io.procsocket.message.StdinChunk;
import jakarta.websocket.Decoder;
import java.nio.ByteBuffer;

/** Binary frame to {@link StdinChunk}, without copying: the chunk is written before the buffer is reused. */
public final class StdinChunkDecoder implements Decoder.Binary<StdinChunk> {
    @Override
    public StdinChunk decode(ByteBuffer bytes) {
        return new StdinChunk(bytes);
    }

    @Override
    public boolean willDecode(ByteBuffer bytes) {
        return bytes != null;
    }
}
