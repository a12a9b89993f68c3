package io.procsocket.web;

import io.procsocket.config.Config;
import io.procsocket.endpoint.GatewayEndpoints;
import io.procsocket.gateway.Admission;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.gateway.Refusal;
import io.procsocket.gateway.UriPaths;
import io.procsocket.log.GatewayLog;
import io.procsocket.ops.Health;
import io.procsocket.ops.MetricsPage;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The front door inside a servlet container, the twin of the standalone Grizzly guard: every
 * WebSocket upgrade is admitted or refused here with a real HTTP status, and admitted ones are handed
 * to the container's own WebSocket implementation (Jakarta WebSocket 2.1 upgradeHttpToWebSocket),
 * so no endpoint path has to match "any path". Other requests get the health probes and the client library at
 * their paths, the dev console, or go on to the container (welcome page).
 */
final class UpgradeFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    static final Refusal NOT_CONFIGURED = new Refusal(503, "503 Service Unavailable: procsocket is not configured; "
            + "set the context parameter or system property procsocket.args, or the environment variable "
            + "PROCSOCKET_ARGS, to its command line (for example: --devconsole /path/to/script.sh)\n");

    /** Null when the WAR was deployed without configuration. */
    private final transient Gateway gateway;
    private final transient ServerEndpointConfig endpoint;
    private final boolean console;
    private final transient Health health;

    UpgradeFilter(Gateway gateway, ServerEndpointConfig endpoint, boolean console) {
        this.gateway = gateway;
        this.health = new Health(gateway);
        this.endpoint = endpoint;
        this.console = console;
    }

    /**
     * The executable WAR's launcher (Spring Boot's loader) sits at the archive root, where a container
     * would serve its class files as static content; they are of no use to a browser.
     */
    static final String LAUNCHER_CLASSES = "/org/springframework/boot/loader/";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String below = request.getRequestURI().substring(request.getContextPath().length());
        if (below.startsWith(LAUNCHER_CLASSES)) {
            refuse(response, Refusal.NOT_FOUND);
            return;
        }
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            String path = UriPaths.decode(below);
            if (Health.isPath(path)) {
                serveHealth(request, response, path);
                return;
            }
            if (ClientLibrary.isPath(path)) {
                serveLibrary(request, response);
                return;
            }
            if (gateway != null && gateway.config().metrics().onGateway() && MetricsPage.isPath(UriPaths.decode(below))) {
                serveMetrics(request, response);
                return;
            }
            if (console && "GET".equals(request.getMethod())) {
                serveConsole(request, response);
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        if (gateway == null) {
            refuse(response, NOT_CONFIGURED);
            return;
        }
        HandshakeInfo info = ServletRequests.handshakeInfo(request);
        if (info == null) {
            refuse(response, Refusal.BAD_REQUEST);
            return;
        }
        Admission admission = gateway.admit(info);
        if (!admission.accepted()) {
            refuse(response, admission.refusal());
            return;
        }
        if (admission.echo()) {
            // The echo endpoint is the container's own annotated endpoint: let the container upgrade to it at
            // the path that carries the ticket. Should it refuse, the ticket expires and frees the slot.
            chain.doFilter(new RoutedRequest(request, admission.target()), response);
            return;
        }
        ServerContainer container = (ServerContainer) request.getServletContext()
                .getAttribute(ServerContainer.class.getName());
        try {
            container.upgradeHttpToWebSocket(request, response, endpoint,
                    Map.of(GatewayEndpoints.TICKET, admission.ticket()));
        } catch (DeploymentException e) {
            GatewayLog.root().with("url", info.logUrl()).with("remote", info.remoteAddr())
                    .error("http", "the container refused the upgrade: %s", e.getMessage());
            if (!response.isCommitted()) {
                refuse(response, new Refusal(500, "500 Internal Server Error\n"));
            }
        }
    }

    private void serveHealth(HttpServletRequest request, HttpServletResponse response, String path) throws IOException {
        String query = request.getQueryString();
        GatewayLog log = GatewayLog.root()
                .with("url", request.getRequestURL() + (query == null ? "" : "?" + query))
                .with("remote", request.getRemoteAddr());
        Health.Reply reply = health.reply(path, request.getMethod(), log);
        send(response, reply.status(), reply.headers(), reply.contentType(), reply.contentLength(), reply.body());
    }

    private static void serveLibrary(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ClientLibrary.Reply reply = ClientLibrary.reply(request.getMethod(), request.getHeader("If-None-Match"));
        String query = request.getQueryString();
        GatewayLog.root()
                .with("url", request.getRequestURL() + (query == null ? "" : "?" + query))
                .with("remote", request.getRemoteAddr())
                .access("http", "%s", reply.logLine());
        send(response, reply.status(), reply.headers(), reply.contentType(), reply.contentLength(), reply.body());
    }

    /** A fixed answer (the client library's, a health probe's): no content type or length when null or negative. */
    private static void send(HttpServletResponse response, int status, java.util.List<Config.Header> headers,
                             String contentType, int contentLength, byte[] body) throws IOException {
        response.setStatus(status);
        for (Config.Header h : headers) {
            response.setHeader(h.name(), h.value());
        }
        if (contentType != null) {
            response.setContentType(contentType);
        }
        if (contentLength >= 0) {
            response.setContentLength(contentLength);
        }
        response.getOutputStream().write(body);
    }

    /** --metrics: the scrape under the context path, logged at DEBUG. */
    private void serveMetrics(HttpServletRequest request, HttpServletResponse response) throws IOException {
        MetricsPage.Reply reply = MetricsPage.reply(gateway.metrics(), request.getMethod());
        GatewayLog.root().with("url", request.getRequestURL().toString()).with("remote", request.getRemoteAddr())
                .debug("http", "METRICS (%d)", reply.status());
        if (reply.allow() != null) {
            response.setHeader("Allow", reply.allow());
        }
        response.setStatus(reply.status());
        response.setContentType(reply.contentType());
        response.setContentLength(reply.body().length);
        response.getOutputStream().write(reply.body());
    }

    private void serveConsole(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String query = request.getQueryString();
        GatewayLog.root()
                .with("url", request.getRequestURL() + (query == null ? "" : "?" + query))
                .with("remote", request.getRemoteAddr())
                .access("http", "DEVCONSOLE");
        response.setStatus(200);
        response.setContentType("text/html; charset=utf-8");
        for (Config.Header h : ConsolePage.HEADERS) {
            response.setHeader(h.name(), h.value());
        }
        String host = request.getHeader("Host");
        byte[] page = ConsolePage.render(request.isSecure(), host == null ? "" : host,
                request.getRequestURI() + (query == null ? "" : "?" + query), request.getContextPath());
        response.setContentLength(page.length);
        response.getOutputStream().write(page);
    }

    private static void refuse(HttpServletResponse response, Refusal refusal) throws IOException {
        byte[] body = refusal.body().getBytes(StandardCharsets.UTF_8);
        response.setStatus(refusal.status());
        response.setContentType("text/plain; charset=utf-8");
        response.setContentLength(body.length);
        response.setHeader("Connection", "close");
        for (Config.Header h : refusal.headers()) {
            response.addHeader(h.name(), h.value());
        }
        response.getOutputStream().write(body);
    }
}
