package io.procsocket.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.gateway.Bounded;
import io.procsocket.testing.EventSocket;
import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --metrics against a real server: scraped over HTTP, parsed strictly as the Prometheus text format, and every
 * counter moved by exactly the traffic the test made.
 */
class MetricsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String PATH = "/.procsocket/metrics";

    @TempDir
    Path dir;

    @Test
    void countersMoveByExactlyTheTrafficMade() throws Exception {
        Path echo = TesterScripts.sh(dir, "echo.sh", "exec cat");
        Path three = TesterScripts.sh(dir, "three.sh", "exit 3");
        String e = echo.toRealPath().toString();
        String t = three.toRealPath().toString();
        try (TesterServer server = TesterServer.start("--metrics", "--maxforks=2", "--maxframesize=100",
                "--dir=" + dir)) {
            PrometheusText before = scrape(server.port());

            // N = 2 connections to echo.sh, each M = 3 messages of 5 bytes each way.
            EventSocket a = EventSocket.connect(server.ws("/echo.sh"));
            EventSocket b = EventSocket.connect(server.ws("/echo.sh"));
            // Both fork slots taken: one 429.
            RawWebSocket.Refused busy = assertThrows(RawWebSocket.Refused.class,
                    () -> RawWebSocket.open(server.port(), "/echo.sh", EventSocket.WAIT));
            assertEquals(429, busy.status());
            for (EventSocket ws : List.of(a, b)) {
                for (int i = 0; i < 3; i++) {
                    ws.send("abcd" + i);
                    assertEquals("abcd" + i, ws.nextText());
                }
            }
            PrometheusText open = scrape(server.port());
            assertEquals(2, delta(before, open, "procsocket_connections_open", "route", e));
            assertEquals(2, delta(before, open, "procsocket_programs_running", "route", e));
            a.close();
            b.close();
            a.awaitClose();
            b.awaitClose();
            Bounded.noChildrenLeft(server.gateway());

            // One 404.
            RawWebSocket.Refused missing = assertThrows(RawWebSocket.Refused.class,
                    () -> RawWebSocket.open(server.port(), "/missing.sh", EventSocket.WAIT));
            assertEquals(404, missing.status());

            // One program that exits with 3.
            EventSocket x = EventSocket.connect(server.ws("/three.sh"));
            assertEquals(1011, x.awaitClose().getCloseCode().getCode());

            // One message over --maxframesize: 1009, and not counted as received.
            EventSocket big = EventSocket.connect(server.ws("/echo.sh"));
            big.send(ByteBuffer.wrap(new byte[101]));
            assertEquals(1009, big.awaitClose().getCloseCode().getCode());
            Bounded.noChildrenLeft(server.gateway());

            await(() -> scrapeQuietly(server.port()).value("procsocket_connections_open", "route", e) == 0
                    && scrapeQuietly(server.port()).value("procsocket_connections_open", "route", t) == 0);
            PrometheusText after = scrape(server.port());

            assertEquals(3, delta(before, after, "procsocket_connections_total", "route", e));
            assertEquals(1, delta(before, after, "procsocket_connections_total", "route", t));
            assertEquals(0, after.value("procsocket_connections_open", "route", e));
            assertEquals(0, after.value("procsocket_programs_running", "route", e));
            assertEquals(3, delta(before, after, "procsocket_program_starts_total", "route", e));
            assertEquals(1, delta(before, after, "procsocket_program_starts_total", "route", t));
            assertEquals(0, delta(before, after, "procsocket_program_start_failures_total", "route", e));
            assertEquals(6, delta(before, after, "procsocket_received_messages_total", "route", e));
            assertEquals(30, delta(before, after, "procsocket_received_bytes_total", "route", e));
            assertEquals(6, delta(before, after, "procsocket_sent_messages_total", "route", e));
            assertEquals(30, delta(before, after, "procsocket_sent_bytes_total", "route", e));
            assertEquals(0, delta(before, after, "procsocket_sent_messages_total", "route", t));
            assertEquals(1, delta(before, after, "procsocket_program_exits_total", "route", t, "class", "failure"),
                    after.samples("procsocket_program_exits_total").toString());
            assertEquals(0, delta(before, after, "procsocket_program_exits_total", "route", t, "class", "success"));
            assertEquals(3, delta(before, after, "procsocket_program_exits_total", "route", e, "class", "success")
                    + delta(before, after, "procsocket_program_exits_total", "route", e, "class", "failure")
                    + delta(before, after, "procsocket_program_exits_total", "route", e, "class", "signal"));
            assertEquals(1, delta(before, after, "procsocket_refusals_total", "reason", "404"));
            assertEquals(1, delta(before, after, "procsocket_refusals_total", "reason", "429"));
            assertEquals(1, delta(before, after, "procsocket_refusals_total", "reason", "1009"));
            assertEquals(3, after.samples("procsocket_refusals_total").size(), "only the refusals made");

            // Histograms: one observation per start and per exit.
            assertEquals("histogram", after.family("procsocket_program_start_seconds").type);
            assertEquals(3, after.value("procsocket_program_start_seconds_count", "route", e));
            assertEquals(1, after.value("procsocket_program_start_seconds_count", "route", t));
            assertEquals(3, after.value("procsocket_program_lifetime_seconds_count", "route", e));
            assertTrue(after.value("procsocket_program_lifetime_seconds_sum", "route", e) > 0);
            assertEquals(1, after.value("procsocket_program_lifetime_seconds_bucket", "route", t, "le", "+Inf"));

            // Names: ours all procsocket_, counters end in _total; JVM and thread metrics from the client's collectors.
            for (PrometheusText.Family f : after.families().values()) {
                if (f.type.equals("counter")) {
                    assertTrue(f.name.endsWith("_total"), f.name);
                }
            }
            assertEquals("counter", after.family("procsocket_connections_total").type);
            assertEquals("gauge", after.family("procsocket_connections_open").type);
            assertNotNull(after.family("jvm_threads_current"), "JVM thread metrics");
            assertNotNull(after.family("jvm_memory_used_bytes"), "JVM memory metrics");
            assertTrue(after.value("jvm_threads_current") > 0);
        }
    }

    @Test
    void theScrapeIsTheTextFormatAndStartsNoProgramNorTakesASlot() throws Exception {
        Path hold = TesterScripts.sh(dir, "hold.sh", "echo ready; exec cat");
        try (TesterServer server = TesterServer.start("--metrics", "--maxforks=1", hold.toString())) {
            EventSocket ws = EventSocket.connect(server.ws("/"));
            assertEquals("ready", ws.nextText());
            HttpResponse<String> r = get(server.port(), PATH);
            assertEquals(200, r.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
            PrometheusText.parse(r.body());
            assertEquals(1, server.gateway().liveChildren());
            assertEquals(405, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + PATH))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode());
            ws.close();
            ws.awaitClose();
            Bounded.noChildrenLeft(server.gateway());
        }
    }

    @Test
    void offByDefault() throws Exception {
        try (TesterServer server = TesterServer.start("--devconsole", "cat")) {
            assertEquals(404, get(server.port(), PATH).statusCode());
            assertEquals(-1, server.metricsPort());
        }
    }

    @Test
    void sharedClientsAreAGaugeByRoute() throws Exception {
        Path tail = TesterScripts.sh(dir, "tail.sh", "echo hello; exec cat");
        String route = tail.toString();
        try (TesterServer server = TesterServer.start("--metrics", "--shared", "--shared-replay=1", tail.toString())) {
            EventSocket a = EventSocket.connect(server.ws("/"));
            EventSocket b = EventSocket.connect(server.ws("/"));
            assertEquals("hello", a.nextText());
            assertEquals("hello", b.nextText());
            a.send("x");
            assertEquals("x", a.nextText());
            assertEquals("x", b.nextText());
            PrometheusText p = scrape(server.port());
            String label = p.samples("procsocket_shared_clients").get(0).labels().get("route");
            assertEquals(2, p.value("procsocket_shared_clients", "route", label));
            assertEquals(1, p.value("procsocket_programs_running", "route", label));
            assertEquals(1, p.value("procsocket_received_messages_total", "route", label));
            assertTrue(label.endsWith("tail.sh"), label + " for " + route);
            a.close();
            a.awaitClose();
            await(() -> scrapeQuietly(server.port()).value("procsocket_shared_clients", "route", label) == 1);
            b.close();
            b.awaitClose();
            await(() -> scrapeQuietly(server.port()).value("procsocket_shared_clients", "route", label) == 0);
        }
    }

    @Test
    void ownListenerServesThemAndTheGatewayPortDoesNot() throws Exception {
        int port;
        try (TesterServer server = TesterServer.start("--metrics=127.0.0.1:0", "cat")) {
            port = server.metricsPort();
            assertTrue(port > 0);
            EventSocket ws = EventSocket.connect(server.ws("/"));
            ws.send("hi");
            assertEquals("hi", ws.nextText());
            ws.close();
            ws.awaitClose();
            Bounded.noChildrenLeft(server.gateway());

            assertEquals(404, get(server.port(), PATH).statusCode(), "the gateway's port serves no metrics");
            assertEquals(404, get(port, "/").statusCode());
            HttpResponse<String> r = get(port, PATH);
            assertEquals(200, r.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
            PrometheusText p = PrometheusText.parse(r.body());
            String label = p.samples("procsocket_connections_total").get(0).labels().get("route");
            assertEquals(1, p.value("procsocket_connections_total", "route", label));
            assertEquals(1, p.value("procsocket_received_messages_total", "route", label));
            assertEquals(2, p.value("procsocket_received_bytes_total", "route", label));
        }
        // Closed with the server.
        int closed = port;
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", closed).close());
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    static PrometheusText scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = get(port, PATH);
        assertEquals(200, r.statusCode(), r.body());
        return PrometheusText.parse(r.body());
    }

    private static PrometheusText scrapeQuietly(int port) {
        try {
            return scrape(port);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met in 10 s");
            Thread.sleep(20);
        }
    }
}
