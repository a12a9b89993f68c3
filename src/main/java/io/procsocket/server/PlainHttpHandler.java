package io.procsocket.server;

import io.procsocket.config.Config;
import io.procsocket.log.GatewayLog;
import io.procsocket.web.ConsolePage;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Requests that are not WebSocket upgrades: the dev console when --devconsole is on, otherwise
 * websocketd's 404.
 */
final class PlainHttpHandler extends HttpHandler {
    private final Config config;
    private final byte[] console;

    PlainHttpHandler(Config config) {
        this.config = config;
        this.console = config.devConsole() ? ConsolePage.bytes() : null;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        String uri = request.getRequestURI();
        String query = request.getQueryString();
        String host = request.getHeader("Host");
        GatewayLog log = GatewayLog.root()
                .with("url", (request.isSecure() ? "https://" : "http://") + (host == null ? "" : host) + uri
                        + (query == null ? "" : "?" + query))
                .with("remote", request.getRemoteAddr());
        if (console != null) {
            log.access("http", "DEVCONSOLE");
            response.setStatus(200);
            response.setContentType("text/html; charset=utf-8");
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Cache-Control", "no-store");
            response.setContentLength(console.length);
            response.getOutputStream().write(console);
            return;
        }
        log.access("http", "NOT FOUND");
        response.setStatus(404);
        response.setContentType("text/plain; charset=utf-8");
        response.getWriter().write("404 page not found\n");
    }
}
