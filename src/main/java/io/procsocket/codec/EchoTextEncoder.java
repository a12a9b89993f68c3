package io.procsocket.codec;

import io.procsocket.message.EchoText;
import jakarta.websocket.Encoder;

/** {@link EchoText} to a text frame. */
public final class EchoTextEncoder implements Encoder.Text<EchoText> {
    @Override
    public String encode(EchoText message) {
        return message.text();
    }
}
