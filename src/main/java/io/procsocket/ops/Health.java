package io.procsocket.ops;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.procsocket.config.Config;
import io.procsocket.gateway.Gateway;
import io.procsocket.log.GatewayLog;
import io.procsocket.process.ProcessBackends;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * The health probes both front doors answer at {@link #LIVE} and {@link #READY} (below the context path), in the
 * MicroProfile Health shape: {@code {"status":"UP","checks":[{"name":..,"status":..,"data":{..}}]}}, 200 when UP,
 * 503 when DOWN. Computed from the gateway's state alone: a probe takes no fork slot and no ticket, starts no
 * program and asks for no credentials, and is logged at DEBUG so the default log stays quiet under probes.
 * <p>
 * Ready: the process backend has been chosen and started, every listener is bound (standalone; a container's
 * connectors are its own), and shutdown has not begun. Live: the server answers HTTP, and stays UP through a
 * graceful shutdown (liveness DOWN would get it killed and restarted, which shutting down needs no help with).
 */
public final class Health {
    public static final String LIVE = "/.procsocket/health/live";
    public static final String READY = "/.procsocket/health/ready";
    public static final String CONTENT_TYPE = "application/json";
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final byte[] NOT_ALLOWED = "405 Method Not Allowed\n".getBytes(StandardCharsets.UTF_8);
    private static final List<Config.Header> HEADERS = List.of(new Config.Header("Cache-Control", "no-store"));
    private static final List<Config.Header> NOT_ALLOWED_HEADERS = List.of(
            new Config.Header("Allow", "GET, HEAD"), new Config.Header("Cache-Control", "no-store"));

    /** Null in a container deployed without configuration. */
    private final Gateway gateway;
    /** Whether every listener is bound; null in a container. */
    private final BooleanSupplier listening;
    private final int listeners;

    /** In a servlet container: the container's connectors are not ours to check. {@code gateway} may be null. */
    public Health(Gateway gateway) {
        this(gateway, null, 0);
    }

    /** Standalone: {@code listening} says whether all {@code listeners} are bound. */
    public Health(Gateway gateway, BooleanSupplier listening, int listeners) {
        this.gateway = gateway;
        this.listening = listening;
        this.listeners = listeners;
    }

    /** One check of an answer; {@code data} holds strings, numbers and booleans only. */
    public record Check(String name, boolean up, Map<String, Object> data) { }

    /** One answer: UP when every check is. */
    public record Report(List<Check> checks) {
        public boolean up() {
            return checks.stream().allMatch(Check::up);
        }
    }

    /** What the front door writes: status, headers, content type, the length to declare and the bytes (none for HEAD). */
    public record Reply(int status, List<Config.Header> headers, String contentType, int contentLength, byte[] body) { }

    /**
     * What the probes look at, taken at one moment. {@code backend} is the chosen backend's name (null while it is
     * being chosen or when it failed), {@code backendFailure} why none could start; {@code listening} is null in
     * a container.
     */
    public record State(boolean configured, String backend, String backendFailure, Boolean listening, int listeners,
                        boolean shuttingDown) { }

    /** Whether the decoded, cleaned request path (below the context path) is a probe's. */
    public static boolean isPath(String path) {
        return LIVE.equals(path) || READY.equals(path);
    }

    /** The reply to {@code method} at probe path {@code path}, logged at DEBUG on {@code log}. */
    public Reply reply(String path, String method, GatewayLog log) {
        String which = LIVE.equals(path) ? "live" : "ready";
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            log.debug("http", "HEALTH %s: method not allowed", which);
            return new Reply(405, NOT_ALLOWED_HEADERS, "text/plain; charset=utf-8", NOT_ALLOWED.length,
                    "HEAD".equals(method) ? new byte[0] : NOT_ALLOWED.clone());
        }
        State state = state();
        Report report = LIVE.equals(path) ? live(state) : ready(state);
        byte[] body = json(report);
        log.debug("http", "HEALTH %s: %s", which, report.up() ? "UP" : "DOWN");
        return new Reply(report.up() ? 200 : 503, HEADERS, CONTENT_TYPE, body.length,
                "HEAD".equals(method) ? new byte[0] : body);
    }

    /** The gateway's state now, never waiting for it. */
    public State state() {
        if (gateway == null) {
            return new State(false, null, null, null, 0, false);
        }
        ProcessBackends.Choice choice = gateway.processChoice();
        return new State(true, choice == null ? null : choice.backend().name(), gateway.processFailure(),
                listening == null ? null : listening.getAsBoolean(), listeners, gateway.shuttingDown());
    }

    /** Liveness: the server answers; shutting down is still alive. */
    public static Report live(State s) {
        return new Report(List.of(new Check("server", true, Map.of("shuttingDown", s.shuttingDown()))));
    }

    /** Readiness: programs can be started, the listeners are bound, and it is not shutting down. */
    public static Report ready(State s) {
        List<Check> checks = new ArrayList<>();
        if (!s.configured()) {
            checks.add(new Check("configuration", false, Map.of("error", "procsocket is not configured")));
            return new Report(checks);
        }
        Map<String, Object> backend = new LinkedHashMap<>();
        if (s.backend() != null) {
            backend.put("backend", s.backend());
        } else if (s.backendFailure() != null) {
            backend.put("error", s.backendFailure());
        } else {
            backend.put("state", "starting");
        }
        checks.add(new Check("process-backend", s.backend() != null, backend));
        if (s.listening() != null) {
            checks.add(new Check("listeners", s.listening(), Map.of("listeners", s.listeners(), "bound", s.listening())));
        }
        checks.add(new Check("shutdown", !s.shuttingDown(), Map.of("shuttingDown", s.shuttingDown())));
        return new Report(checks);
    }

    /** The MicroProfile Health JSON of {@code report}. */
    public static byte[] json(Report report) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("status", report.up() ? "UP" : "DOWN");
            g.writeArrayFieldStart("checks");
            for (Check c : report.checks()) {
                g.writeStartObject();
                g.writeStringField("name", c.name());
                g.writeStringField("status", c.up() ? "UP" : "DOWN");
                if (!c.data().isEmpty()) {
                    g.writeObjectFieldStart("data");
                    for (Map.Entry<String, Object> e : new TreeMap<>(c.data()).entrySet()) {
                        writeValue(g, e.getKey(), e.getValue());
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator g, String name, Object value) throws IOException {
        if (value instanceof Boolean b) {
            g.writeBooleanField(name, b);
        } else if (value instanceof Integer i) {
            g.writeNumberField(name, i);
        } else if (value instanceof Long l) {
            g.writeNumberField(name, l);
        } else {
            g.writeStringField(name, String.valueOf(value));
        }
    }
}
