package io.procsocket.codec;

import io.procsocket.message.EchoBytes;
import jakarta.websocket.Decoder;
import java.nio.ByteBuffer;

/**
 * Binary frame to {@link EchoBytes} without copying: the echo is sent (and framed, which copies)
 * before the handler returns, so the container's buffer is never used after it is recycled.
 */
public final class EchoBytesDecoder implements Decoder.Binary<EchoBytes> {
    @Override
    public EchoBytes decode(ByteBuffer bytes) {
        return new EchoBytes(bytes);
    }

    @Override
    public boolean willDecode(ByteBuffer bytes) {
        return bytes != null;
    }
}
