package io.procsocket.endpoint;

import io.procsocket.codec.BinaryRequestDecoder;
import io.procsocket.codec.ClientRequestDecoder;
import io.procsocket.codec.ServerEventEncoder;
import io.procsocket.codec.StdinChunkDecoder;
import io.procsocket.codec.StreamChunkEncoder;
import io.procsocket.codec.StdinLineDecoder;
import io.procsocket.codec.StdoutChunkEncoder;
import io.procsocket.codec.StdStreamLineEncoder;
import io.procsocket.codec.StdoutLineEncoder;
import io.procsocket.config.Config;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.PendingConnections;
import io.procsocket.protocol.ResumeTokens;
import io.procsocket.protocol.Subprotocol;
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

    /**
     * The ticket of an upgrade being made: standalone the last segment of the rewritten path, in a container the
     * path parameter (Tomcat and Tyrus both list path parameters among a handshake's parameters).
     */
    static String ticketOf(HandshakeRequest request) {
        List<String> param = request.getParameterMap().get(TICKET);
        if (param != null && !param.isEmpty()) {
            return param.get(0);
        }
        String path = request.getRequestURI() == null ? null : request.getRequestURI().getPath();
        return path == null ? null : path.substring(path.lastIndexOf('/') + 1);
    }

    public static ServerEndpointConfig config(Gateway gateway) {
        // One gateway's programs a procsocket.v1 client may resume: the tokens live as long as its endpoint.
        ResumeTokens<ProtocolProcess> tokens = new ResumeTokens<>();
        return ServerEndpointConfig.Builder.create(GatewayEndpoint.class, PATH_TEMPLATE)
                .subprotocols(List.of(Subprotocol.V1, Subprotocol.LINES))
                .encoders(List.of(StdoutLineEncoder.class, StdoutChunkEncoder.class, StdStreamLineEncoder.class,
                        ServerEventEncoder.class, StreamChunkEncoder.class))
                .decoders(List.of(StdinLineDecoder.class, StdinChunkDecoder.class, ClientRequestDecoder.class,
                        BinaryRequestDecoder.class))
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        return endpointClass.cast(new GatewayEndpoint(gateway, tokens));
                    }

                    @Override
                    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request,
                                                HandshakeResponse response) {
                        // --header and --header-ws on the 101, standalone and in a container alike: the route's own
                        // (a routes file's), found through the ticket the upgrade still carries.
                        Config settings = gateway.config();
                        PendingConnections.Pending p = gateway.pending().peek(ticketOf(request));
                        if (p != null && p.route() != null) {
                            settings = gateway.configFor(p.route());
                        }
                        addHeaders(response, settings.headers().all());
                        addHeaders(response, settings.headers().ws());
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
