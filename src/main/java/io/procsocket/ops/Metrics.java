package io.procsocket.ops;

import io.procsocket.config.Config;
import java.io.IOException;
import java.io.OutputStream;

/**
 * What the gateway counts (--metrics), updated at the one place each event already happens: admission (refusals),
 * a program's launch and exit, a client's message read and a message queued for it. {@link #OFF} without the flag,
 * whose handles do nothing, so the hot path costs a call that the JIT drops.
 */
public interface Metrics extends AutoCloseable {
    /** Without --metrics. */
    Metrics OFF = new Off();

    /** The registry for {@code endpoint}, or {@link #OFF} when metrics are off. */
    static Metrics create(Config.MetricsEndpoint endpoint) {
        return endpoint.enabled() ? new PrometheusMetrics() : OFF;
    }

    boolean enabled();

    /** One route's handle, kept by whoever serves it. At most {@link PrometheusMetrics#MAX_ROUTES} labels; then "other". */
    RouteMetrics route(String label);

    /** An upgrade refused with this HTTP status, or a session closed with this WebSocket close code (1009). */
    void refused(int status);

    /** The text exposition of everything (our metrics, the JVM's, the process's). */
    void write(OutputStream out) throws IOException;

    /** The Content-Type of {@link #write}. */
    String contentType();

    /** Registers the registry as a JMX MBean (in a container), named after the context path; undone by close(). */
    void exposeOverJmx(String contextPath);

    @Override
    void close();

    /** --metrics off: nothing is counted, nothing is served. */
    final class Off implements Metrics {
        private Off() { }

        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public RouteMetrics route(String label) {
            return RouteMetrics.OFF;
        }

        @Override
        public void refused(int status) { }

        @Override
        public void write(OutputStream out) { }

        @Override
        public String contentType() {
            return "text/plain; charset=utf-8";
        }

        @Override
        public void exposeOverJmx(String contextPath) { }

        @Override
        public void close() { }
    }
}
