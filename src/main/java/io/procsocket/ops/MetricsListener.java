package io.procsocket.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.procsocket.config.Config;
import io.procsocket.log.GatewayLog;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * --metrics=ADDR:PORT: the metrics on a listener of their own, so the scrape port need not be exposed with the
 * gateway (nor the gateway's port serve them). The JDK's own HTTP server on one daemon thread: a scrape a few
 * times a minute needs no more, and no library joins the WAR for it. Standalone only.
 */
public final class MetricsListener implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService thread;

    private MetricsListener(HttpServer server, ExecutorService thread) {
        this.server = server;
        this.thread = thread;
    }

    /** Binds {@code endpoint}'s address and serves; throws with websocketd's wording if it cannot bind. */
    public static MetricsListener start(Metrics metrics, Config.MetricsEndpoint endpoint) throws IOException {
        InetSocketAddress at = new InetSocketAddress(endpoint.host(), endpoint.port());
        HttpServer server;
        try {
            server = HttpServer.create(at, 16);
        } catch (java.net.BindException e) {
            String why = e.getMessage() == null ? "address already in use" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
            throw new IOException("listen tcp " + endpoint.display() + ": bind: " + why + " (--metrics)", e);
        }
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "procsocket-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(thread);
        server.createContext("/", exchange -> serve(metrics, exchange));
        server.start();
        return new MetricsListener(server, thread);
    }

    private static void serve(Metrics metrics, HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            GatewayLog log = GatewayLog.root().with("url", exchange.getRequestURI().toString())
                    .with("remote", exchange.getRemoteAddress().getAddress().getHostAddress());
            if (!MetricsPage.isPath(path)) {
                log.debug("http", "NOT FOUND (metrics listener)");
                send(exchange, 404, "text/plain; charset=utf-8", "404 page not found\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            MetricsPage.Reply reply = MetricsPage.reply(metrics, exchange.getRequestMethod());
            log.debug("http", "METRICS (%d)", reply.status());
            if (reply.allow() != null) {
                exchange.getResponseHeaders().set("Allow", reply.allow());
            }
            send(exchange, reply.status(), reply.contentType(), reply.body());
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The bound port (with :0, the one the system chose). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
