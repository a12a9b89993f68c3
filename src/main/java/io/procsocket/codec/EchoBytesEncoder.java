package io.procsocket.codec;

import io.procsocket.message.EchoBytes;
import jakarta.websocket.Encoder;
import java.nio.ByteBuffer;

/** {@link EchoBytes} to a binary frame. */
public final class EchoBytesEncoder implements Encoder.Binary<EchoBytes> {
    @Override
    public ByteBuffer encode(EchoBytes message) {
        return message.bytes();
    }
}
