package io.procsocket.server;

import io.procsocket.config.Config;
import io.procsocket.endpoint.EchoEndpoint;
import io.procsocket.endpoint.GatewayEndpoints;
import io.procsocket.gateway.Gateway;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;

/**
 * Procsocket on its own: one Grizzly HTTP server, a listener per --address, Tyrus plugged in as an
 * add-on, our upgrade guard in front of it and the plain-HTTP handler behind it.
 */
public final class StandaloneServer implements AutoCloseable {
    /** Fixed-path endpoints (not rewritten by the guard) live under this prefix. */
    public static final String RESERVED_PREFIX = "/.procsocket/";

    private final Gateway gateway;
    private final HttpServer http;
    private final StandaloneWebSocketContainer container;
    private final List<NetworkListener> listeners = new ArrayList<>();

    private StandaloneServer(Gateway gateway, HttpServer http, StandaloneWebSocketContainer container) {
        this.gateway = gateway;
        this.http = http;
        this.container = container;
    }

    /** Binds and serves; throws if a port cannot be bound. */
    public static StandaloneServer start(Config config) throws IOException {
        Gateway gateway = new Gateway(config);
        int frameLimit = config.maxFrameSize() == 0 ? Integer.MAX_VALUE : config.maxFrameSize();
        // Tyrus parses whole frames in this buffer: room for the largest allowed message plus headers.
        StandaloneWebSocketContainer container = new StandaloneWebSocketContainer(
                frameLimit == Integer.MAX_VALUE ? Integer.MAX_VALUE : frameLimit + 16);
        HttpServer http = new HttpServer();
        StandaloneServer server = new StandaloneServer(gateway, http, container);
        List<String> hosts = config.addresses().isEmpty() ? List.of("0.0.0.0") : config.addresses();
        UpgradeGuardFilter guard = new UpgradeGuardFilter(gateway, RESERVED_PREFIX);
        int i = 0;
        for (String host : hosts) {
            NetworkListener listener = new NetworkListener("procsocket-" + i++, host, config.port());
            configureTransport(listener.getTransport(), config);
            // WebSocket sessions live as long as their process; Grizzly must not time them out.
            listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
            listener.registerAddOn(new WebSocketAddOn(container, "/"));
            listener.registerAddOn(new UpgradeGuardAddOn(guard));
            http.addListener(listener);
            server.listeners.add(listener);
        }
        http.getServerConfiguration().addHttpHandler(new PlainHttpHandler(config), "/");
        try {
            container.addEndpoint(GatewayEndpoints.config(gateway));
            container.addEndpoint(EchoEndpoint.class);
            container.start("/", config.port());
            http.start();
        } catch (DeploymentException e) {
            server.close();
            throw new IOException("cannot deploy the gateway endpoint: " + e.getMessage(), e);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Worker-thread I/O: Tyrus delivers each client frame on a worker thread, which writes it to the
     * child's stdin and may block there when the pipe is full. Blocking is confined to that client
     * (Grizzly stops reading its socket meanwhile); the selector threads never touch a pipe. The pool
     * may grow to one thread per possible child so a few stalled children cannot starve the rest.
     */
    private static void configureTransport(TCPNIOTransport transport, Config config) {
        int cores = Runtime.getRuntime().availableProcessors();
        int max = Math.max(64, config.maxForks() == 0 ? 4096 : config.maxForks() + 2 * cores);
        transport.setIOStrategy(WorkerThreadIOStrategy.getInstance());
        transport.setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                .setPoolName("procsocket-worker")
                .setCorePoolSize(2 * cores)
                .setMaxPoolSize(max)
                .setQueueLimit(-1)
                .setDaemon(true));
        transport.setTcpNoDelay(true);
    }

    public Gateway gateway() {
        return gateway;
    }

    /** The bound port of the first listener (useful with --port=0). */
    public int port() {
        return listeners.get(0).getPort();
    }

    public List<Integer> ports() {
        return listeners.stream().map(NetworkListener::getPort).toList();
    }

    @Override
    public void close() {
        gateway.close();
        container.stop();
        http.shutdownNow();
    }
}
