package io.procsocket.server;

import io.procsocket.log.GatewayLog;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/** Requests that are not WebSocket upgrades. Without --devconsole, --staticdir or --cgidir: websocketd's 404. */
final class PlainHttpHandler extends HttpHandler {
    @Override
    public void service(Request request, Response response) throws Exception {
        String uri = request.getRequestURI();
        String query = request.getQueryString();
        String host = request.getHeader("Host");
        GatewayLog log = GatewayLog.root()
                .with("url", (request.isSecure() ? "https://" : "http://") + (host == null ? "" : host) + uri
                        + (query == null ? "" : "?" + query))
                .with("remote", request.getRemoteAddr());
        log.access("http", "NOT FOUND");
        response.setStatus(404);
        response.setContentType("text/plain; charset=utf-8");
        response.getWriter().write("404 page not found\n");
    }
}
