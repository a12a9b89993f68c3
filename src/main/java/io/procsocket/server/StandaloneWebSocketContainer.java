package io.procsocket.server;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Map;
import java.util.Set;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * A Tyrus server container that does not open sockets of its own. Tyrus's stock Grizzly container
 * always binds 0.0.0.0; we own the Grizzly {@code HttpServer} (for --address and the HTTP side) and
 * plug this container into it with Tyrus's {@code WebSocketAddOn}.
 */
final class StandaloneWebSocketContainer extends TyrusServerContainer {
    private final TyrusWebSocketEngine engine;

    StandaloneWebSocketContainer(int incomingBufferSize) {
        super((Set<Class<?>>) null);
        this.engine = TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize).build();
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
        engine.register(endpointClass, "");
    }

    @Override
    public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
        engine.register(serverEndpointConfig, "");
    }

    @Override
    public Map<String, Object> getProperties() {
        return Map.of();
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
        return engine;
    }
}
