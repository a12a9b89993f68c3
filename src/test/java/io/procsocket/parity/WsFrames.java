package io.procsocket.parity;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads unmasked server frames off a raw socket, for tests that must not answer pings. */
final class WsFrames {
    /** One frame: opcode and payload. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private WsFrames() { }

    /** The next frame, or null at a clean end of stream. */
    static Frame next(InputStream in) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = read(in);
        long len = b1 & 0x7f;
        if (len == 126) {
            len = (read(in) << 8) | read(in);
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | read(in);
            }
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length != len) {
            throw new EOFException("frame cut short");
        }
        return new Frame(b0 & 0x0f, payload);
    }

    private static int read(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("frame cut short");
        }
        return b;
    }
}
