package io.procsocket.server;

import io.procsocket.config.Config;
import io.procsocket.endpoint.EchoEndpoint;
import io.procsocket.endpoint.GatewayEndpoints;
import io.procsocket.gateway.Gateway;
import io.procsocket.ops.Health;
import io.procsocket.ops.MetricsListener;
import io.procsocket.process.ProcessBackends;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.glassfish.grizzly.IOStrategy;
import org.glassfish.grizzly.strategies.LeaderFollowerNIOStrategy;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;

/**
 * Procsocket on its own: one Grizzly HTTP server, a listener per --address, Tyrus plugged in as an
 * add-on, our upgrade guard in front of it and the plain-HTTP handler behind it.
 */
public final class StandaloneServer implements AutoCloseable {
    /** Grizzly I/O strategy, for benchmarks: worker (default), samethread, leaderfollower. */
    public static final String IO_STRATEGY_PROPERTY = "procsocket.iostrategy";
    /** Most bytes one socket read hands to Tyrus. */
    static final int READ_CHUNK = 64 * 1024;

    private final Gateway gateway;
    private final HttpServer http;
    private final StandaloneWebSocketContainer container;
    private final List<NetworkListener> listeners = new ArrayList<>();
    /** --unixsocket's listener, or null. */
    private UnixSocketListener unix;
    /** --redirport: its own server, because Grizzly handlers are per server, not per listener. */
    private HttpServer redirect;
    /** Every listener is bound (the health probe's "listeners" check). */
    private volatile boolean listening;
    /** --metrics=ADDR:PORT, or null. */
    private MetricsListener metrics;

    private StandaloneServer(Gateway gateway, HttpServer http, StandaloneWebSocketContainer container) {
        this.gateway = gateway;
        this.http = http;
        this.container = container;
    }

    /**
     * The largest message any route takes (0: no limit): the frame guard and Tyrus's buffer hold that much; each
     * route's own --maxframesize is then checked per message (endpoint.ClientInput).
     */
    static int largestMessage(Config config) {
        int max = config.maxFrameSize();
        for (Config.RouteSpec r : config.routes()) {
            int m = r.config().maxFrameSize();
            if (max == 0 || m == 0) {
                return 0;
            }
            max = Math.max(max, m);
        }
        return max;
    }

    /** Binds and serves; throws if a port cannot be bound. */
    public static StandaloneServer start(Config config) throws IOException {
        // Standalone the JVM is ours, so it can be the subreaper of every program's descendants.
        Gateway gateway = new Gateway(config, ProcessBackends.Host.STANDALONE);
        // Tyrus parses frames in this buffer, keeping a partial frame and appending the next socket read
        // to it: room for the largest allowed frame plus one whole read. With room for the frame alone,
        // messages under the limit sent back to back overflowed it and the connection died with 1011.
        int largest = largestMessage(config);
        long frameBuffer = largest == 0 ? Integer.MAX_VALUE : Math.min(Integer.MAX_VALUE, (long) largest + 16 + READ_CHUNK);
        StandaloneWebSocketContainer container = new StandaloneWebSocketContainer((int) frameBuffer);
        HttpServer http = new HttpServer();
        StandaloneServer server = new StandaloneServer(gateway, http, container);
        List<String> hosts = config.addresses().isEmpty() ? List.of("0.0.0.0") : config.addresses();
        RequestHeadTimeout heads = new RequestHeadTimeout(config.headerTimeoutMs(), gateway.timer());
        UpgradeGuardFilter guard = new UpgradeGuardFilter(gateway);
        ClientFrameGuardFilter frames = new ClientFrameGuardFilter(largest, config.messageTimeoutMs(),
                gateway.timer(), gateway.metrics());
        SSLEngineConfigurator tls = null;
        if (config.tls() != null) {
            // Server mode; with --sslca the client must present a certificate that chains to it.
            boolean mutual = config.tls().clientCa() != null;
            tls = new SSLEngineConfigurator(TlsContexts.build(config.tls()), false, mutual, false);
        }
        List<NetworkListener> all = new ArrayList<>();
        if (config.listenTcp()) {
            int i = 0;
            for (String host : hosts) {
                all.add(new NetworkListener("procsocket-" + i++, host, config.port()));
            }
        }
        if (config.unixSocket() != null) {
            all.add(new UnixSocketListener("procsocket-unix", config.unixSocket()));
        }
        for (NetworkListener listener : all) {
            configureTransport(listener.getTransport(), config);
            // WebSocket sessions live as long as their process; Grizzly must not time them out.
            listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
            if (tls != null) {
                listener.setSecure(true);
                listener.setSSLEngineConfig(tls);
            }
            listener.registerAddOn(new WebSocketAddOn(container, "/"));
            listener.registerAddOn(new UpgradeGuardAddOn(heads, guard, frames));
            RequestFramingFilter.install(listener, config);
            http.addListener(listener);
            if (listener instanceof UnixSocketListener unix) {
                server.unix = unix;
            } else {
                server.listeners.add(listener);
            }
        }
        Health health = new Health(gateway, () -> server.listening, all.size());
        http.getServerConfiguration().addHttpHandler(new PlainHttpHandler(gateway, health), "/");
        try {
            container.addEndpoint(GatewayEndpoints.config(gateway));
            container.addEndpoint(EchoEndpoint.class);
            container.start("/", config.port());
            startListening(http, all);
            server.listening = true;
            if (config.redirPort() != 0) {
                server.redirect = RedirectServer.start(hosts, config.redirPort(), config.secure(), server.port(), config);
            }
            if (config.metrics().ownListener()) {
                server.metrics = MetricsListener.start(gateway.metrics(), config.metrics());
            }
            // Bound and accepting already; libc has been bound in the background meanwhile.
            gateway.awaitProcessLayer();
            gateway.startShared("");
            if (config.source() != null) {
                ReloadOnHangup.install(gateway);
            }
        } catch (DeploymentException e) {
            server.close();
            throw new IOException("cannot deploy the gateway endpoint: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Binds every listener, and on failure says so in websocketd's words ({@code listen tcp 127.0.0.1:8080: bind:
     * address already in use}; {@code :8080} for all interfaces), which scripts and supervisors grep for.
     */
    private static void startListening(HttpServer http, List<NetworkListener> listeners) throws IOException {
        try {
            http.start();
        } catch (java.net.BindException e) {
            // Only a TCP listener binds through Grizzly; the Unix one words its own failures.
            NetworkListener failed = listeners.stream().filter(l -> !l.isStarted() && !(l instanceof UnixSocketListener))
                    .findFirst().orElse(listeners.get(0));
            String host = failed.getHost();
            String address = "0.0.0.0".equals(host) ? "" : host.contains(":") ? "[" + host + "]" : host;
            String why = e.getMessage() == null ? "address already in use" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
            throw new IOException("listen tcp " + address + ":" + failed.getPort() + ": bind: " + why, e);
        }
    }

    /**
     * {@link AdaptiveIOStrategy}: frames on the selector thread while the child keeps up, on a worker
     * (which may wait for the child) once it does not. A worker that waits stops only its own client
     * (Grizzly stops reading that socket meanwhile). The pool may grow to one thread per possible child
     * so a few stalled children cannot starve the rest.
     */
    private static void configureTransport(TCPNIOTransport transport, Config config) {
        int cores = Runtime.getRuntime().availableProcessors();
        int max = Math.max(64, config.maxForks() == 0 ? 4096 : config.maxForks() + 2 * cores);
        transport.setIOStrategy(ioStrategy(System.getProperty(IO_STRATEGY_PROPERTY, "adaptive")));
        transport.setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                .setPoolName("procsocket-worker")
                .setCorePoolSize(2 * cores)
                .setMaxPoolSize(max)
                .setQueueLimit(-1)
                .setDaemon(true));
        transport.setTcpNoDelay(true);
        transport.setReadBufferSize(READ_CHUNK);
    }

    /**
     * For measurement only (bench/iostrategy): "adaptive" (the default) and "worker" are safe. With
     * "samethread" or "leaderfollower" every event runs on the selector thread, HTTP handlers and blocking
     * sends included, which can freeze every connection on that selector (see bench/iostrategy/RESULTS.md).
     */
    static IOStrategy ioStrategy(String name) {
        switch (name) {
            case "adaptive":
                return new AdaptiveIOStrategy();
            case "worker":
                return WorkerThreadIOStrategy.getInstance();
            case "samethread":
                return SameThreadIOStrategy.getInstance();
            case "leaderfollower":
                return LeaderFollowerNIOStrategy.getInstance();
            default:
                throw new IllegalArgumentException("-D" + IO_STRATEGY_PROPERTY
                        + " must be adaptive, worker, samethread or leaderfollower, got " + name);
        }
    }

    public Gateway gateway() {
        return gateway;
    }

    /** The bound port of the first TCP listener (useful with --port=0); -1 when only a Unix socket is served. */
    public int port() {
        return listeners.isEmpty() ? -1 : listeners.get(0).getPort();
    }

    /** The --unixsocket path being served, or null. */
    public java.nio.file.Path unixSocket() {
        return unix == null ? null : unix.path();
    }

    public List<Integer> ports() {
        return listeners.stream().map(NetworkListener::getPort).toList();
    }

    /** The --metrics=ADDR:PORT listener's bound port, or -1 without one. */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    /** The --redirport listener's bound port, or -1 without one. */
    public int redirectPort() {
        return redirect == null ? -1 : redirect.getListeners().iterator().next().getPort();
    }

    @Override
    public void close() {
        // Stop taking connections first: an upgrade finishing after the gateway closed would start a
        // child that nothing tracks any more. Then end the children still running. Readiness goes DOWN
        // before anything stops.
        gateway.beginShutdown();
        if (redirect != null) {
            redirect.shutdownNow();
        }
        if (metrics != null) {
            metrics.close();
        }
        http.shutdownNow();
        listening = false;
        container.stop();
        gateway.close();
    }
}
