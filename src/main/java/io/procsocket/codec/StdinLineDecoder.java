package io.procsocket.codec;

import io.procsocket.message.StdinLine;
import jakarta.websocket.Decoder;

/** Text frame to {@link StdinLine}. Any text is a valid line; newlines inside pass through unchanged. */
public final class StdinLineDecoder implements Decoder.Text<StdinLine> {
    @Override
    public StdinLine decode(String s) {
        return new StdinLine(s);
    }

    @Override
    public boolean willDecode(String s) {
        return s != null;
    }
}
