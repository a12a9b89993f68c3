package io.procsocket.server;

import io.procsocket.gateway.Admission;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.gateway.Refusal;
import io.procsocket.log.GatewayLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.attributes.AttributeBuilder;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Sits between Grizzly's HTTP codec and Tyrus. Every WebSocket upgrade is admitted or refused here, with a
 * real HTTP status (400, 405, 426, 429, 404, 403) before Tyrus sees it, so Tyrus never answers a broken
 * handshake itself and nothing is kept for one; admitted ones are rewritten to the gateway (or echo)
 * endpoint's fixed path, because JSR 356 paths cannot match "any path" themselves. Paths under the reserved
 * prefix are admitted like any other, so no spelling of it reaches Tyrus's own endpoints unchecked.
 */
final class UpgradeGuardFilter extends BaseFilter {
    private static final Attribute<Boolean> SEEN =
            AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(UpgradeGuardFilter.class.getName() + ".seen");

    private final Gateway gateway;

    UpgradeGuardFilter(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Object message = ctx.getMessage();
        if (!(message instanceof HttpContent)) {
            return ctx.getInvokeAction();
        }
        HttpHeader header = ((HttpContent) message).getHttpHeader();
        if (!header.isRequest() || !"websocket".equalsIgnoreCase(header.getUpgrade())) {
            return ctx.getInvokeAction();
        }
        HttpRequestPacket request = (HttpRequestPacket) header;
        // Frames after the upgrade arrive with the same request header: only the handshake is ours.
        if (SEEN.isSet(request)) {
            return ctx.getInvokeAction();
        }
        SEEN.set(request, Boolean.TRUE);
        HandshakeInfo info = GrizzlyRequests.handshakeInfo(request);
        if (info == null) {
            return refuse(ctx, request, Refusal.BAD_REQUEST);
        }
        Admission admission = gateway.admit(info);
        if (!admission.accepted()) {
            return refuse(ctx, request, admission.refusal());
        }
        request.setRequestURI(admission.target());
        ClientFrameGuardFilter.LOG.set(ctx.getConnection(), GatewayLog.root().with("url", info.logUrl())
                .with("remote", info.remoteAddr()));
        if (admission.echo()) {
            AdaptiveIOStrategy.ECHO.set(ctx.getConnection(), Boolean.TRUE);
        } else {
            AdaptiveIOStrategy.STDIN.set(ctx.getConnection(), admission.stdin());
            gateway.pending().attach(admission.ticket(), new GrizzlyFrameWriter(ctx.getConnection()));
        }
        return ctx.getInvokeAction();
    }

    private NextAction refuse(FilterChainContext ctx, HttpRequestPacket request, Refusal refusal) {
        byte[] body = refusal.body().getBytes(StandardCharsets.UTF_8);
        HttpResponsePacket response = request.getResponse();
        response.setProtocol(Protocol.HTTP_1_1);
        response.setStatus(refusal.status());
        response.setContentType("text/plain; charset=utf-8");
        response.setContentLength(body.length);
        response.setHeader("Connection", "close");
        ExtraHeaders.apply(response, refusal.headers());
        // websocketd sets --header and --header-ws before deciding, so refusals of upgrades carry them too.
        ExtraHeaders.apply(response, gateway.config().headers().all());
        ExtraHeaders.apply(response, gateway.config().headers().ws());
        HttpContent content = HttpContent.builder(response)
                .content(Buffers.wrap(ctx.getMemoryManager(), body))
                .last(true)
                .build();
        CloseAfterWrite.write(ctx, content);
        return ctx.getStopAction();
    }
}
