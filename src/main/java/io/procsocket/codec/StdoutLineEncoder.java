package io.procsocket.codec;

import io.procsocket.message.StdoutLine;
import jakarta.websocket.Encoder;

/** {@link StdoutLine} to a text frame. */
public final class StdoutLineEncoder implements Encoder.Text<StdoutLine> {
    @Override
    public String encode(StdoutLine line) {
        return line.text();
    }
}
