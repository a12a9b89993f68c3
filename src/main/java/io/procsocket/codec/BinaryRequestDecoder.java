package io.procsocket.codec;

import io.procsocket.message.BinaryRequest;
import io.procsocket.message.ClientRequest;
import jakarta.websocket.Decoder;
import java.nio.ByteBuffer;

/**
 * A {@code procsocket.v1} client's binary message: stdin bytes after a first byte 0 (the stdin channel of
 * Kubernetes' exec framing); any other first byte, or an empty message, is invalid. Every message decodes.
 */
public final class BinaryRequestDecoder implements Decoder.Binary<BinaryRequest> {
    /** The stdin channel's first byte. */
    public static final int STDIN = 0;

    @Override
    public BinaryRequest decode(ByteBuffer bytes) {
        if (!bytes.hasRemaining()) {
            return new BinaryRequest(new ClientRequest.Invalid("empty binary message: its first byte must be 0 (stdin)"));
        }
        int channel = bytes.get(bytes.position()) & 0xff;
        if (channel != STDIN) {
            return new BinaryRequest(new ClientRequest.Invalid(
                    "binary message for channel " + channel + ": only 0 (stdin) is read"));
        }
        byte[] data = new byte[bytes.remaining() - 1];
        bytes.duplicate().position(bytes.position() + 1).get(data);
        return new BinaryRequest(new ClientRequest.Stdin(data));
    }

    @Override
    public boolean willDecode(ByteBuffer bytes) {
        return bytes != null;
    }
}
