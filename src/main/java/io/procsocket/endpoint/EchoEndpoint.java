package io.procsocket.endpoint;

import io.procsocket.codec.EchoBytesDecoder;
import io.procsocket.codec.EchoBytesEncoder;
import io.procsocket.codec.EchoTextDecoder;
import io.procsocket.codec.EchoTextEncoder;
import io.procsocket.message.EchoBytes;
import io.procsocket.message.EchoText;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/**
 * A pure in-container echo at a fixed path, no process involved. It is the yardstick for what the
 * WebSocket stack alone costs (benchmarks compare it with Node's {@code ws}) and the target of the
 * RFC 6455 conformance suite. Standalone it is registered explicitly; a servlet container finds it by
 * its annotation, so the same path works in every deployment.
 */
@ServerEndpoint(value = EchoEndpoint.PATH,
        encoders = {EchoTextEncoder.class, EchoBytesEncoder.class},
        decoders = {EchoTextDecoder.class, EchoBytesDecoder.class})
public final class EchoEndpoint {
    /** Under the reserved prefix, which the upgrade guard passes through untouched. */
    public static final String PATH = "/.procsocket/echo";
    /** Largest message echoed; bigger ones close with 1009 (the same bound as the gateway's default). */
    static final int MAX_MESSAGE = 1 << 20;

    @OnOpen
    public void onOpen(Session session) {
        session.setMaxTextMessageBufferSize(MAX_MESSAGE);
        session.setMaxBinaryMessageBufferSize(MAX_MESSAGE);
        session.setMaxIdleTimeout(ProcessConnection.NEVER_IDLE);
    }

    /** The returned message is sent on the same thread before the next frame is read. */
    @OnMessage
    public EchoText onText(EchoText message) {
        return message;
    }

    @OnMessage
    public EchoBytes onBinary(EchoBytes message) {
        return message;
    }
}
