package io.procsocket.server;

import io.procsocket.config.Config;
import io.procsocket.log.GatewayLog;
import java.io.IOException;
import java.util.List;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/** --redirport: a plain-HTTP listener whose only answer is 301 to the same path on the main (https) port. */
final class RedirectServer extends HttpHandler {
    private final String scheme;
    private final int targetPort;

    private RedirectServer(boolean secure, int targetPort) {
        this.scheme = secure ? "https" : "http";
        this.targetPort = targetPort;
    }

    static HttpServer start(List<String> hosts, int port, boolean secure, int targetPort, Config config)
            throws IOException {
        HttpServer server = new HttpServer();
        int i = 0;
        for (String host : hosts) {
            NetworkListener listener = new NetworkListener("procsocket-redirect-" + i++, host, port);
            RequestFramingFilter.install(listener, config);
            server.addListener(listener);
        }
        server.getServerConfiguration().addHttpHandler(new RedirectServer(secure, targetPort), "/");
        server.start();
        return server;
    }

    @Override
    public void service(Request request, Response response) {
        String host = hostWithoutPort(request.getHeader("Host"), request.getLocalName());
        int defaultPort = scheme.equals("https") ? 443 : 80;
        String query = request.getQueryString();
        String location = scheme + "://" + host + (targetPort == defaultPort ? "" : ":" + targetPort)
                + request.getRequestURI() + (query == null ? "" : "?" + query);
        GatewayLog.root().with("url", request.getRequestURL().toString()).with("remote", request.getRemoteAddr())
                .access("http", "REDIRECT %s", location);
        response.setStatus(301);
        response.setHeader("Location", location);
        response.setContentType("text/plain; charset=utf-8");
        response.setContentLength(0);
    }

    /** The Host header's name part (IPv6 keeps its brackets); the local address if the client sent none. */
    static String hostWithoutPort(String host, String fallback) {
        if (host == null || host.isEmpty() || host.indexOf('\r') >= 0 || host.indexOf('\n') >= 0) {
            return fallback.contains(":") ? "[" + fallback + "]" : fallback;
        }
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close > 0 ? host.substring(0, close + 1) : host;
        }
        int colon = host.indexOf(':');
        return colon >= 0 ? host.substring(0, colon) : host;
    }
}
