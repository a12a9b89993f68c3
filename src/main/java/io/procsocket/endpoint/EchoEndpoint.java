package io.procsocket.endpoint;

import io.procsocket.codec.EchoBytesDecoder;
import io.procsocket.codec.EchoBytesEncoder;
import io.procsocket.codec.EchoTextDecoder;
import io.procsocket.codec.EchoTextEncoder;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.GatewayDirectory;
import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.log.GatewayLog;
import io.procsocket.message.EchoBytes;
import io.procsocket.message.EchoText;
import io.procsocket.process.NoWaiting;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EncodeException;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pure in-container echo at a fixed path, no process involved. It is the yardstick for what the
 * WebSocket stack alone costs (benchmarks compare it with Node's {@code ws}) and the target of the
 * RFC 6455 conformance suite. Standalone it is registered explicitly; a servlet container finds it by
 * its annotation, so the same path works in every deployment.
 *
 * It is off unless --echoendpoint is given, and then admitted like a program: the front door checks the
 * handshake, the Origin rules and the connection limit (--maxforks counts echo connections too), then
 * rewrites the upgrade from {@code /.procsocket/echo} to this endpoint's path with a ticket that holds the
 * connection's slot. A session without a valid ticket is closed at once.
 */
@ServerEndpoint(value = EchoEndpoint.PATH,
        encoders = {EchoTextEncoder.class, EchoBytesEncoder.class},
        decoders = {EchoTextDecoder.class, EchoBytesDecoder.class})
public final class EchoEndpoint {
    private static final System.Logger LOG = System.getLogger(EchoEndpoint.class.getName());
    public static final String TICKET = "ticket";
    /** Where the front door sends admitted echo upgrades; clients ask for {@code /.procsocket/echo}. */
    public static final String PATH = Gateway.ECHO_ENDPOINT_PATH + "/{" + TICKET + "}";

    /** This session's slot, given back once whichever of close and error comes first. */
    private final AtomicBoolean holdsSlot = new AtomicBoolean();
    private Gateway gateway;
    private GatewayLog log;

    @OnOpen
    public void onOpen(Session session, @PathParam(TICKET) String ticket) {
        GatewayDirectory.Claimed claimed = GatewayDirectory.claim(ticket);
        if (claimed == null) {
            GatewayEndpoint.closeQuietly(session, new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY,
                    "unknown connection ticket"));
            return;
        }
        gateway = claimed.gateway();
        holdsSlot.set(true);
        HandshakeInfo request = claimed.pending().request();
        log = GatewayEndpoint.sessionLog(request, gateway.nextId(), "echo endpoint");
        // The frame guard standalone already refuses anything larger with 1009; in a container this is the limit.
        int max = gateway.config().maxFrameSize() == 0 ? Integer.MAX_VALUE : gateway.config().maxFrameSize();
        session.setMaxTextMessageBufferSize(max);
        session.setMaxBinaryMessageBufferSize(max);
        session.setMaxIdleTimeout(ProcessConnection.NEVER_IDLE);
        log.access("session", "CONNECT");
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        release();
    }

    @OnError
    public void onError(Session session, Throwable error) {
        LOG.log(System.Logger.Level.DEBUG, "echo session error: " + error);
        release();
        GatewayEndpoint.closeQuietly(session, new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION,
                "echo failed"));
    }

    private void release() {
        if (holdsSlot.getAndSet(false)) {
            gateway.forks().release();
            log.access("session", "DISCONNECT");
        }
    }

    @OnMessage
    public void onText(EchoText message, Session session) throws IOException, EncodeException {
        if (!tooBig(session, utf8Length(message.text()))) {
            echo(session, message);
        }
    }

    @OnMessage
    public void onBinary(EchoBytes message, Session session) throws IOException, EncodeException {
        if (!tooBig(session, message.bytes().remaining())) {
            echo(session, message);
        }
    }

    /**
     * --maxframesize once more: standalone the frame guard has refused anything larger already, but Tyrus (in
     * Payara) applies the session's buffer size only to fragmented messages and delivers a single frame whole.
     */
    private boolean tooBig(Session session, long bytes) {
        long max = gateway == null ? 0 : gateway.config().maxFrameSize();
        if (max == 0 || bytes <= max) {
            return false;
        }
        log.access("session", "message of %d bytes over --maxframesize %d", bytes, max);
        GatewayEndpoint.closeQuietly(session, new CloseReason(CloseReason.CloseCodes.TOO_BIG, "message too big"));
        return true;
    }

    /** Exact only when it matters: a text short enough that even 3 bytes a char fit is counted as its length. */
    private long utf8Length(String text) {
        long max = gateway == null ? 0 : gateway.config().maxFrameSize();
        if (max == 0 || (long) text.length() * 3 <= max) {
            return text.length();
        }
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
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
