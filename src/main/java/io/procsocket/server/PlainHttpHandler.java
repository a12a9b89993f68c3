package io.procsocket.server;

import io.procsocket.config.Config;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.gateway.IdentityCheck;
import io.procsocket.gateway.CleanPath;
import io.procsocket.gateway.HostHeader;
import io.procsocket.gateway.Refusal;
import io.procsocket.gateway.UriPaths;
import io.procsocket.identity.Identity;
import io.procsocket.log.GatewayLog;
import io.procsocket.ops.Health;
import io.procsocket.ops.MetricsPage;
import io.procsocket.web.ClientLibrary;
import io.procsocket.web.ConsolePage;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Requests that are not WebSocket upgrades: the health probes and the client library at their reserved paths
 * (whatever --basicauth and --devconsole say), then in websocketd's
 * order the dev console when --devconsole is on, a CGI script under --cgidir, a file under --staticdir, else 404.
 */
final class PlainHttpHandler extends HttpHandler {
    private final Config config;
    private final boolean console;
    private final CgiHandler cgi;
    private final StaticFiles files;
    private final Gateway gateway;
    private final Health health;

    PlainHttpHandler(Gateway gateway, Health health) {
        this.gateway = gateway;
        this.health = health;
        this.config = gateway.config();
        this.console = config.devConsole();
        this.cgi = config.cgiDir() == null ? null : new CgiHandler(gateway);
        this.files = config.staticDir() == null ? null : new StaticFiles(config.staticDir());
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        ExtraHeaders.apply(response, config.headers().all());
        ExtraHeaders.apply(response, config.headers().http());
        String uri = request.getRequestURI();
        String query = request.getQueryString();
        String host = request.getHeader("Host");
        GatewayLog log = GatewayLog.root()
                .with("url", GrizzlyRequests.logUrl(request.getRequest()))
                .with("remote", GrizzlyRequests.remoteAddr(request.getRequest()));
        String badHost = HostHeader.problem(GrizzlyRequests.headers(request.getRequest()),
                request.getProtocol().getProtocolString());
        if (badHost != null) {
            log.access("http", "BAD REQUEST: %s", badHost);
            response.setHeader("Connection", "close");
            text(response, 400, "400 Bad Request: " + badHost + "\n");
            return;
        }
        String path = UriPaths.decode(uri);
        if (path == null || !path.startsWith("/")) {
            log.access("http", "BAD REQUEST");
            text(response, 400, "400 Bad Request\n");
            return;
        }
        Refusal moved = CleanPath.redirect("", path, query);
        if (moved != null) {
            String location = moved.headers().get(0).value();
            log.access("http", "REDIRECT to %s (path cleaned)", location);
            response.setHeader("Location", location);
            text(response, 301, moved.body());
            return;
        }
        if (Health.isPath(path)) {
            Health.Reply reply = health.reply(path, request.getMethod().getMethodString(), log);
            send(response, reply.status(), reply.headers(), reply.contentType(), reply.contentLength(), reply.body());
            return;
        }
        if (ClientLibrary.isPath(path)) {
            ClientLibrary.Reply reply = ClientLibrary.reply(request.getMethod().getMethodString(),
                    request.getHeader("If-None-Match"));
            log.access("http", "%s", reply.logLine());
            send(response, reply.status(), reply.headers(), reply.contentType(), reply.contentLength(), reply.body());
            return;
        }
        if (MetricsPage.isPath(path)) {
            metrics(request, response, log);
            return;
        }
        // With --basicauth the pages ask too, so that a browser prompts once and then sends the credentials with
        // the page's WebSocket upgrades (it cannot be made to with JavaScript). Token schemes leave pages open:
        // the console's token field carries the token with the upgrade.
        Identity checked = null;
        if (gateway.identity().pagesNeedCredentials() && (console || files != null)) {
            HandshakeInfo info = GrizzlyRequests.handshakeInfo(request.getRequest());
            IdentityCheck.Decision who = info == null ? null : gateway.identity().check(info, log);
            if (who == null || !who.admitted()) {
                refuse(response, who == null ? Refusal.BAD_REQUEST : who.refusal());
                return;
            }
            checked = who.identity();
        }
        if (console) {
            log.access("http", "DEVCONSOLE");
            byte[] page = ConsolePage.render(request.isSecure(), host, uri + (query == null ? "" : "?" + query),
                    "");
            response.setStatus(200);
            response.setContentType("text/html; charset=utf-8");
            for (Config.Header h : ConsolePage.HEADERS) {
                response.setHeader(h.name(), h.value());
            }
            response.setContentLength(page.length);
            response.getOutputStream().write(page);
            return;
        }
        if (cgi != null && cgi.serve(request, response, path, checked, log)) {
            return;
        }
        if (files != null && files.serve(request, response, path, log)) {
            return;
        }
        log.access("http", "NOT FOUND");
        text(response, 404, "404 page not found\n");
    }

    /** A fixed answer (the client library's, a health probe's): no content type or length when null or negative. */
    private static void send(Response response, int status, java.util.List<Config.Header> headers, String contentType,
                             int contentLength, byte[] body) throws java.io.IOException {
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

    /** --metrics on this port: the scrape, logged at DEBUG (a scraper's every few seconds); else 404. */
    private void metrics(Request request, Response response, GatewayLog log) throws java.io.IOException {
        if (!config.metrics().onGateway()) {
            log.access("http", "NOT FOUND");
            text(response, 404, "404 page not found\n");
            return;
        }
        MetricsPage.Reply reply = MetricsPage.reply(gateway.metrics(), request.getMethod().getMethodString());
        log.debug("http", "METRICS (%d)", reply.status());
        if (reply.allow() != null) {
            response.setHeader("Allow", reply.allow());
        }
        response.setStatus(reply.status());
        response.setContentType(reply.contentType());
        response.setContentLength(reply.body().length);
        response.getOutputStream().write(reply.body());
    }

    /** A refusal with its headers (401's challenge, 429's Retry-After). */
    static void refuse(Response response, Refusal refusal) throws java.io.IOException {
        for (Config.Header h : refusal.headers()) {
            response.addHeader(h.name(), h.value());
        }
        text(response, refusal.status(), refusal.body());
    }

    static void text(Response response, int status, String body) throws java.io.IOException {
        response.setStatus(status);
        response.setContentType("text/plain; charset=utf-8");
        response.getWriter().write(body);
    }
}
