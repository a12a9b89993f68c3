package io.procsocket.endpoint;

import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.PendingConnections;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;

/** One WebSocket session bound to one child process. */
public final class GatewayEndpoint extends Endpoint {
    private static final System.Logger LOG = System.getLogger(GatewayEndpoint.class.getName());

    private final Gateway gateway;
    private ProcessConnection connection;

    GatewayEndpoint(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        PendingConnections.Pending pending = gateway.pending().claim(session.getPathParameters().get(GatewayEndpoints.TICKET));
        if (pending == null) {
            closeQuietly(session, new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "unknown connection ticket"));
            return;
        }
        if (!gateway.forks().tryAcquire()) {
            // Lost the race with another upgrade after the 429 pre-check: say "try again later".
            closeQuietly(session, new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too many processes"));
            return;
        }
        connection = new ProcessConnection(gateway, session, pending);
        connection.start();
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        if (connection != null) {
            connection.clientGone();
        }
    }

    @Override
    public void onError(Session session, Throwable thr) {
        LOG.log(Level.DEBUG, "WebSocket error: " + thr);
        if (connection != null) {
            connection.clientGone();
        }
    }

    static void closeQuietly(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | IllegalStateException e) {
            // The peer is already gone; there is nobody left to tell.
        }
    }
}
