package io.procsocket.endpoint;

import io.procsocket.codec.StdinChunkDecoder;
import io.procsocket.codec.StdinLineDecoder;
import io.procsocket.codec.StdoutChunkEncoder;
import io.procsocket.codec.StdStreamLineEncoder;
import io.procsocket.codec.StdoutLineEncoder;
import io.procsocket.config.Config;
import io.procsocket.gateway.Gateway;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's endpoint registration. Its path is variable (any script path), so it cannot be a fixed
 * {@code @ServerEndpoint}: the front door admits the request and rewrites it to {@link Gateway#ENDPOINT_PATH}.
 */
public final class GatewayEndpoints {
    public static final String TICKET = "ticket";
    public static final String PATH_TEMPLATE = Gateway.ENDPOINT_PATH + "/{" + TICKET + "}";

    private GatewayEndpoints() { }

    private static void addHeaders(HandshakeResponse response, List<Config.Header> headers) {
        for (Config.Header h : headers) {
            // Copy: the list already there (if any) may be immutable.
            List<String> values = new ArrayList<>(response.getHeaders().getOrDefault(h.name(), List.of()));
            values.add(h.value());
            response.getHeaders().put(h.name(), values);
        }
    }

    public static ServerEndpointConfig config(Gateway gateway) {
        return ServerEndpointConfig.Builder.create(GatewayEndpoint.class, PATH_TEMPLATE)
                .encoders(List.of(StdoutLineEncoder.class, StdoutChunkEncoder.class, StdStreamLineEncoder.class))
                .decoders(List.of(StdinLineDecoder.class, StdinChunkDecoder.class))
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        return endpointClass.cast(new GatewayEndpoint(gateway));
                    }

                    @Override
                    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request,
                                                HandshakeResponse response) {
                        // --header and --header-ws on the 101, standalone and in a container alike.
                        addHeaders(response, gateway.config().headers().all());
                        addHeaders(response, gateway.config().headers().ws());
                    }

                    @Override
                    public boolean checkOrigin(String originHeaderValue) {
                        // Origin rules are the front door's job (403 before the upgrade).
                        return true;
                    }
                })
                .build();
    }
}
