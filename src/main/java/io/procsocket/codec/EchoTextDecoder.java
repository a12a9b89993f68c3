package io.procsocket.codec;

import io.procsocket.message.EchoText;
import jakarta.websocket.Decoder;

/** Text frame to {@link EchoText}; every text is accepted. */
public final class EchoTextDecoder implements Decoder.Text<EchoText> {
    @Override
    public EchoText decode(String s) {
        return new EchoText(s);
    }

    @Override
    public boolean willDecode(String s) {
        return s != null;
    }
}
