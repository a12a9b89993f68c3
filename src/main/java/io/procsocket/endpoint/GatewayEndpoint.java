package io.procsocket.endpoint;

import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.gateway.PendingConnections;
import io.procsocket.log.GatewayLog;
import io.procsocket.ops.RouteMetrics;
import io.procsocket.protocol.ResumeTokens;
import io.procsocket.protocol.Subprotocol;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;

/** One WebSocket session bound to its own child process, or (--shared) to its route's shared one. */
public final class GatewayEndpoint extends Endpoint {
    private static final System.Logger LOG = System.getLogger(GatewayEndpoint.class.getName());

    private final Gateway gateway;
    private final ResumeTokens<ProtocolProcess> tokens;
    private ClientSession connection;
    private RouteMetrics metrics = RouteMetrics.OFF;

    GatewayEndpoint(Gateway gateway, ResumeTokens<ProtocolProcess> tokens) {
        this.gateway = gateway;
        this.tokens = tokens;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        PendingConnections.Pending pending = gateway.pending().claim(session.getPathParameters().get(GatewayEndpoints.TICKET));
        if (pending == null) {
            closeQuietly(session, new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "unknown connection ticket"));
            return;
        }
        metrics = gateway.metrics().route(pending.route().label());
        metrics.connectionOpened();
        boolean typed = Subprotocol.V1.equals(session.getNegotiatedSubprotocol());
        if (pending.shared() != null) {
            connection = new SharedViewer(gateway, session, pending, typed);
        } else {
            connection = typed ? new ProtocolConnection(gateway, session, pending, tokens)
                    : new ProcessConnection(gateway, session, pending);
        }
        connection.start();
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        metrics.connectionClosed();
        if (connection != null) {
            connection.clientClosed(closeReason);
        }
    }

    @Override
    public void onError(Session session, Throwable thr) {
        LOG.log(Level.DEBUG, "WebSocket error: " + thr);
        // The container reports the error and leaves the session open: close it here, so the client gets a
        // close frame and its socket is released, not just a program that stops answering.
        closeQuietly(session, new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "server error"));
        if (connection != null) {
            connection.clientClosed(null);
        }
    }

    /** A session's log fields, as websocketd logs them: url, id, remote, command and origin ("file:" for none). */
    static GatewayLog sessionLog(HandshakeInfo request, String id, String command) {
        String origin = request.header("Origin");
        return GatewayLog.root()
                .with("url", request.logUrl())
                .with("id", id)
                .with("remote", request.remoteAddr())
                .with("command", command)
                .with("origin", origin == null ? "file:" : origin);
    }

    static void closeQuietly(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | IllegalStateException e) {
            // The peer is already gone; there is nobody left to tell.
        }
    }
}
