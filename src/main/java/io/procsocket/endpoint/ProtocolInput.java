package io.procsocket.endpoint;

import io.procsocket.config.Config;
import io.procsocket.log.GatewayLog;
import io.procsocket.message.BinaryRequest;
import io.procsocket.message.ClientRequest;
import io.procsocket.ops.RouteMetrics;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.util.function.Consumer;

/**
 * A procsocket.v1 client's messages as {@link ClientRequest}s, text (JSON) and binary (stdin after a 0 byte) alike,
 * on the container's thread that read them. Stdin over --maxframesize closes the session with 1009, as in line mode.
 */
final class ProtocolInput {
    private final Session session;
    private final Config config;
    private final GatewayLog log;
    private final Runnable heard;
    private final Consumer<ClientRequest> requests;
    private final Runnable tooBig;
    private final RouteMetrics metrics;

    ProtocolInput(Session session, Config config, GatewayLog log, Runnable heard, Consumer<ClientRequest> requests,
                  Runnable tooBig, RouteMetrics metrics) {
        this.metrics = metrics;
        this.session = session;
        this.config = config;
        this.log = log;
        this.heard = heard;
        this.requests = requests;
        this.tooBig = tooBig;
    }

    void attach() {
        session.addMessageHandler(ClientRequest.class, (MessageHandler.Whole<ClientRequest>) this::on);
        session.addMessageHandler(BinaryRequest.class, (MessageHandler.Whole<BinaryRequest>) b -> on(b.request()));
    }

    private void on(ClientRequest request) {
        heard.run();
        if (request instanceof ClientRequest.Stdin s
                && ClientInput.overLimit(session, config, log, metrics, s.data().length)) {
            tooBig.run();
            return;
        }
        metrics.received(request instanceof ClientRequest.Stdin s ? s.data().length : 0);
        requests.accept(request);
    }
}
