package io.procsocket.ops;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.procsocket.process.ChildProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * --metrics through the Prometheus Java client: one registry per gateway (tests run several in one JVM), holding
 * our procsocket_* metrics and the client's JVM, thread and process collectors.
 */
final class PrometheusMetrics implements Metrics {
    /** Most route labels: with --dir every script is a route, and a label per path a client tries would grow forever. */
    static final int MAX_ROUTES = 100;
    static final String OTHER = "other";
    private static final String ROUTE = "route";
    /** Starting a program: posix_spawn takes a millisecond or so; a loaded machine or a slow exec far more. */
    private static final double[] START_BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
    /** A program's life: from a one-shot answer to a session left open for a day. */
    private static final double[] LIFETIME_BOUNDS = {0.01, 0.1, 1, 10, 60, 300, 1800, 3600, 21600, 86400};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<Integer, CounterDataPoint> refusalsByReason = new ConcurrentHashMap<>();
    private final Object jmxLock = new Object();
    private JmxMetrics jmx;

    private final Counter connections = counter("procsocket_connections_total",
            "WebSocket sessions opened, by route");
    private final Gauge open = gauge("procsocket_connections_open", "WebSocket sessions open now, by route");
    private final Gauge running = gauge("procsocket_programs_running", "Programs running now, by route");
    private final Counter starts = counter("procsocket_program_starts_total", "Programs started, by route");
    private final Counter startFailures = counter("procsocket_program_start_failures_total",
            "Programs that could not be started, by route");
    private final Counter exits = Counter.builder().name("procsocket_program_exits_total")
            .help("Programs that exited, by route and status class (success: 0; failure: another code; signal: ended by one)")
            .labelNames(ROUTE, "class").register(registry);
    private final Counter refusals = Counter.builder().name("procsocket_refusals_total")
            .help("Upgrades refused, by HTTP status (401, 403, 404, 429...), and sessions closed for a message over "
                    + "--maxframesize (1009)")
            .labelNames("reason").register(registry);
    private final Counter receivedMessages = counter("procsocket_received_messages_total",
            "Messages from clients, by route");
    private final Counter receivedBytes = counter("procsocket_received_bytes_total",
            "Payload bytes of messages from clients, by route");
    private final Counter sentMessages = counter("procsocket_sent_messages_total",
            "Messages queued for clients, by route");
    private final Counter sentBytes = counter("procsocket_sent_bytes_total",
            "Payload bytes of messages queued for clients (program output), by route");
    private final Histogram startTime = histogram("procsocket_program_start_seconds",
            "Time to start a program (spawn until running), by route", START_BOUNDS);
    private final Histogram lifetime = histogram("procsocket_program_lifetime_seconds",
            "How long programs ran, start to exit, by route", LIFETIME_BOUNDS);
    private final Gauge sharedClients = gauge("procsocket_shared_clients",
            "Clients joined to a shared route's program now (--shared), by route");
    private final Counter slowClients = counter("procsocket_slow_client_closes_total",
            "Shared-route clients closed for falling behind (--shared-queue), by route");

    PrometheusMetrics() {
        JvmMetrics.builder().register(registry);
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public RouteMetrics route(String label) {
        Route r = routes.get(label);
        if (r != null) {
            return r;
        }
        synchronized (routes) {
            String bounded = routes.size() >= MAX_ROUTES && !routes.containsKey(label) ? OTHER : label;
            return routes.computeIfAbsent(bounded, Route::new);
        }
    }

    @Override
    public void refused(int status) {
        refusalsByReason.computeIfAbsent(status, s -> refusals.labelValues(Integer.toString(s))).inc();
    }

    @Override
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    @Override
    public String contentType() {
        return writer.getContentType();
    }

    PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void exposeOverJmx(String contextPath) {
        synchronized (jmxLock) {
            if (jmx == null) {
                jmx = JmxMetrics.register(registry, contextPath);
            }
        }
    }

    @Override
    public void close() {
        synchronized (jmxLock) {
            if (jmx != null) {
                jmx.unregister();
                jmx = null;
            }
        }
    }

    private Counter counter(String name, String help) {
        return Counter.builder().name(name).help(help).labelNames(ROUTE).register(registry);
    }

    private Gauge gauge(String name, String help) {
        return Gauge.builder().name(name).help(help).labelNames(ROUTE).register(registry);
    }

    private Histogram histogram(String name, String help, double[] bounds) {
        return Histogram.builder().name(name).help(help).labelNames(ROUTE).classicOnly().classicUpperBounds(bounds)
                .register(registry);
    }

    /** A route's data points, looked up once. */
    private final class Route implements RouteMetrics {
        private final CounterDataPoint connectionsTotal;
        private final GaugeDataPoint connectionsOpen;
        private final GaugeDataPoint programsRunning;
        private final CounterDataPoint programStarts;
        private final CounterDataPoint programStartFailures;
        private final CounterDataPoint exitSuccess;
        private final CounterDataPoint exitFailure;
        private final CounterDataPoint exitSignal;
        private final CounterDataPoint inMessages;
        private final CounterDataPoint inBytes;
        private final CounterDataPoint outMessages;
        private final CounterDataPoint outBytes;
        private final DistributionDataPoint started;
        private final DistributionDataPoint lived;
        private final GaugeDataPoint shared;
        private final CounterDataPoint slow;

        Route(String label) {
            connectionsTotal = connections.labelValues(label);
            connectionsOpen = open.labelValues(label);
            programsRunning = running.labelValues(label);
            programStarts = starts.labelValues(label);
            programStartFailures = startFailures.labelValues(label);
            exitSuccess = exits.labelValues(label, "success");
            exitFailure = exits.labelValues(label, "failure");
            exitSignal = exits.labelValues(label, "signal");
            inMessages = receivedMessages.labelValues(label);
            inBytes = receivedBytes.labelValues(label);
            outMessages = sentMessages.labelValues(label);
            outBytes = sentBytes.labelValues(label);
            started = startTime.labelValues(label);
            lived = lifetime.labelValues(label);
            shared = sharedClients.labelValues(label);
            slow = slowClients.labelValues(label);
        }

        @Override
        public ChildProcess launch(Launch launch) throws IOException {
            long t0 = System.nanoTime();
            ChildProcess child;
            try {
                child = launch.launch();
            } catch (IOException | RuntimeException e) {
                programStartFailures.inc();
                throw e;
            }
            long running = System.nanoTime();
            started.observe((running - t0) / 1e9);
            programStarts.inc();
            programsRunning.inc();
            child.onExit(status -> {
                programsRunning.dec();
                lived.observe((System.nanoTime() - running) / 1e9);
                (child.exitSignal() > 0 ? exitSignal : status == 0 ? exitSuccess : exitFailure).inc();
            });
            return child;
        }

        @Override
        public void connectionOpened() {
            connectionsTotal.inc();
            connectionsOpen.inc();
        }

        @Override
        public void connectionClosed() {
            connectionsOpen.dec();
        }

        @Override
        public void received(long bytes) {
            inMessages.inc();
            inBytes.inc(bytes);
        }

        @Override
        public void sent(Object message) {
            if (message != null) {
                outMessages.inc();
                outBytes.inc(Payload.bytes(message));
            }
        }

        @Override
        public void tooBig() {
            refused(1009);
        }

        @Override
        public void sharedJoined() {
            shared.inc();
        }

        @Override
        public void sharedLeft() {
            shared.dec();
        }

        @Override
        public void slowClientClosed() {
            slow.inc();
        }
    }
}
