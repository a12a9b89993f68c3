package io.procsocket.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.config.CommandLine;
import io.procsocket.config.Config;
import io.procsocket.config.UsageException;
import io.procsocket.message.ServerEvent;
import io.procsocket.message.StdoutLine;
import io.procsocket.web.ContainerArgs;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import org.junit.jupiter.api.Test;

/** The facade without a server: labels bounded, payload sizes, JMX, the flag. */
class MetricsUnitTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");
    private static final Path HERE = Path.of("").toAbsolutePath();

    @Test
    void offCountsNothingAndServesNothing() {
        assertSame(Metrics.OFF, Metrics.create(Config.MetricsEndpoint.OFF));
        assertSame(RouteMetrics.OFF, Metrics.OFF.route("x"));
        assertFalse(Metrics.OFF.enabled());
    }

    @Test
    void routeLabelsAreBoundedThenOther() throws Exception {
        try (PrometheusMetrics m = new PrometheusMetrics()) {
            for (int i = 0; i < PrometheusMetrics.MAX_ROUTES + 50; i++) {
                m.route("/r" + i).connectionOpened();
            }
            m.route("/r0").connectionOpened();
            PrometheusText p = PrometheusText.parse(text(m));
            assertEquals(PrometheusMetrics.MAX_ROUTES + 1, p.samples("procsocket_connections_total").size());
            assertEquals(50, p.value("procsocket_connections_total", "route", "other"));
            assertEquals(2, p.value("procsocket_connections_total", "route", "/r0"));
        }
    }

    @Test
    void sentBytesAreThePayloadExactly() throws Exception {
        try (PrometheusMetrics m = new PrometheusMetrics()) {
            RouteMetrics r = m.route("/x");
            r.sent(new StdoutLine("héllo €𝄞")); // 1+2+1+1+1 + 1 + 3 + 4
            r.sent(new ServerEvent.Output(ServerEvent.Stream.STDOUT, 1, "abc"));
            r.sent(new ServerEvent.Error("no data"));
            r.sent(null);
            PrometheusText p = PrometheusText.parse(text(m));
            assertEquals(3, p.value("procsocket_sent_messages_total", "route", "/x"));
            assertEquals("héllo €𝄞".getBytes(StandardCharsets.UTF_8).length + 3,
                    p.value("procsocket_sent_bytes_total", "route", "/x"));
        }
    }

    @Test
    void theSameRegistryOverJmx() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = JmxMetrics.objectName("/ctx");
        try (PrometheusMetrics m = new PrometheusMetrics()) {
            m.exposeOverJmx("/ctx");
            m.route("/bin/cat").connectionOpened();
            m.refused(404);
            assertEquals(1.0, server.getAttribute(name, "procsocket_connections_total{route=\"/bin/cat\"}"));
            assertEquals(1.0, server.getAttribute(name, "procsocket_connections_open{route=\"/bin/cat\"}"));
            assertEquals(1.0, server.getAttribute(name, "procsocket_refusals_total{reason=\"404\"}"));
            assertTrue(List.of(server.getMBeanInfo(name).getAttributes()).stream()
                    .anyMatch(a -> a.getName().equals("jvm_threads_current")));
        }
        assertFalse(server.isRegistered(name), "unregistered on close");
    }

    @Test
    void theFlag() throws Exception {
        assertEquals(Config.MetricsEndpoint.OFF, parse("cat").metrics());
        Config.MetricsEndpoint on = parse("--metrics", "cat").metrics();
        assertTrue(on.enabled() && on.onGateway() && !on.ownListener());
        Config.MetricsEndpoint own = parse("--metrics=127.0.0.1:9100", "cat").metrics();
        assertEquals(new Config.MetricsEndpoint(true, "127.0.0.1", 9100), own);
        assertTrue(own.ownListener() && !own.onGateway());
        assertEquals("::1", parse("--metrics=[::1]:9100", "cat").metrics().host());
        // Never the next word: that is the COMMAND.
        assertEquals(List.of("/usr/bin/cat"), parse("--metrics", "cat").command());
        for (String bad : List.of("--metrics=9100", "--metrics=localhost", "--metrics=::1:9100", "--metrics=host:x",
                "--metrics=host:70000", "--metrics=:9100")) {
            assertThrows(UsageException.class, () -> parse(bad, "cat"), bad);
        }
    }

    @Test
    void inAContainerTheListenerFormIsRefusedAndThePlainFlagTaken() throws Exception {
        assertTrue(ContainerArgs.parse("--metrics cat", ENV, HERE).metrics().onGateway());
        UsageException e = assertThrows(UsageException.class,
                () -> ContainerArgs.parse("--metrics=0.0.0.0:9100 cat", ENV, HERE));
        assertTrue(e.getMessage().startsWith("--metrics=ADDR:PORT"), e.getMessage());
    }

    private static Config parse(String... args) throws UsageException {
        return CommandLine.parse(List.of(args), ENV, HERE).config();
    }

    private static String text(Metrics m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.write(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
