package io.procsocket.endpoint;

import io.procsocket.codec.EchoBytesDecoder;
import io.procsocket.codec.EchoBytesEncoder;
import io.procsocket.codec.EchoTextDecoder;
import io.procsocket.codec.EchoTextEncoder;
import io.procsocket.message.EchoBytes;
import io.procsocket.message.EchoText;
import io.procsocket.process.NoWaiting;
import jakarta.websocket.EncodeException;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;

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
    private static final System.Logger LOG = System.getLogger(EchoEndpoint.class.getName());
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

    @OnMessage
    public void onText(EchoText message, Session session) throws IOException, EncodeException {
        echo(session, message);
    }

    @OnMessage
    public void onBinary(EchoBytes message, Session session) throws IOException, EncodeException {
        echo(session, message);
    }

    /**
     * On a thread that must not wait (the standalone selector thread) the echo is sent asynchronously: if the
     * client cannot take it now it waits in Grizzly's write queue, and the client's next frames are read on
     * a worker thread, which sends with waiting. Anywhere else it is sent before the next frame is read.
     * Either way a client that does not read holds back its own frames, not the server's memory.
     */
    private static void echo(Session session, Object message) throws IOException, EncodeException {
        if (NoWaiting.here()) {
            session.getAsyncRemote().sendObject(message, result -> {
                if (!result.isOK()) {
                    LOG.log(System.Logger.Level.DEBUG, "echo not sent: " + result.getException());
                }
            });
        } else {
            session.getBasicRemote().sendObject(message);
        }
    }
}
