package io.procsocket.server;

import io.procsocket.config.Config;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.IdentityCheck;
import io.procsocket.identity.Identity;
import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.gateway.Refusal;
import io.procsocket.gateway.ScriptLocator;
import io.procsocket.log.GatewayLog;
import io.procsocket.process.CgiEnvironment;
import io.procsocket.process.ChildProcess;
import io.procsocket.process.StdinBacklog;
import io.procsocket.process.LineSplitter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * --cgidir: CGI/1.1 over plain HTTP. The script is found as in --dir (same containment rules), runs
 * in its own process group with the same environment as a WebSocket child plus the request's method
 * and body, counts against --maxforks, and its output is parsed as CGI response headers
 * (Status:, Location:, Content-Type:, any other) followed by the body.
 */
final class CgiHandler {
    /** Response headers larger than this are a broken script, not a reason to grow memory. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_STDERR_LINE = 64 * 1024;

    private final Gateway gateway;
    private final Config config;

    CgiHandler(Gateway gateway) {
        this.gateway = gateway;
        this.config = gateway.config();
    }

    /**
     * Runs the script at {@code path}; false when no script is there (the next handler gets the request).
     * {@code checked} is who the request was found to be from already (null: not checked yet).
     */
    boolean serve(Request request, Response response, String path, Identity checked, GatewayLog log)
            throws IOException {
        ScriptLocator.Lookup lookup = ScriptLocator.locate(config.cgiDir(), path);
        if (lookup.route() == null) {
            if (lookup.refusal() == Refusal.NOT_EXECUTABLE) {
                log.access("http", "FORBIDDEN: CGI script is not executable");
                PlainHttpHandler.text(response, 403, lookup.refusal().body());
                return true;
            }
            return false;
        }
        // A script is a program: the same identity check as an upgrade, before a fork slot is taken.
        IdentityCheck.Decision who = checked != null ? new IdentityCheck.Decision(checked, null) : check(request, log);
        if (!who.admitted()) {
            PlainHttpHandler.refuse(response, who.refusal());
            return true;
        }
        if (!gateway.forks().tryAcquire()) {
            log.error("http", "Max of possible forks already active, CGI request rejected");
            PlainHttpHandler.text(response, 429, Refusal.TOO_MANY.body());
            return true;
        }
        try {
            run(request, response, lookup, who.identity(), log);
        } finally {
            gateway.forks().release();
        }
        return true;
    }

    private IdentityCheck.Decision check(Request request, GatewayLog log) {
        HandshakeInfo asked = GrizzlyRequests.handshakeInfo(request.getRequest());
        return asked == null ? new IdentityCheck.Decision(null, Refusal.BAD_REQUEST) : gateway.identity().check(asked, log);
    }

    private void run(Request request, Response response, ScriptLocator.Lookup lookup, Identity who, GatewayLog log)
            throws IOException {
        String id = gateway.openConnection();
        try {
            runScript(request, response, lookup, who, log, id);
        } finally {
            gateway.connectionEnded(id);
        }
    }

    private void runScript(Request request, Response response, ScriptLocator.Lookup lookup, Identity who,
                           GatewayLog log, String id) throws IOException {
        HandshakeInfo info = GrizzlyRequests.handshakeInfo(request.getRequest());
        String method = request.getMethod().getMethodString();
        long length = request.getContentLengthLong();
        String type = request.getContentType();
        Map<String, String> env = CgiEnvironment.build(info, method, length >= 0 ? Long.toString(length) : "",
                type == null ? "" : type, lookup.route(), config, id,
                CgiEnvironment.remoteHost(info.remoteAddr(), config.reverseLookup()));
        CgiEnvironment.identify(env, who);
        GatewayLog scope = log.with("id", id).with("command", lookup.route().label());
        for (String name : CgiEnvironment.dropUnpassable(env)) {
            scope.error("process", "%s not passed to the script: over Linux's 128 KiB for one variable", name);
        }
        ChildProcess child;
        try {
            // A worker thread serves CGI: stdin writes may wait for the script, so a fresh backlog nobody watches.
            child = gateway.metrics().route(lookup.route().label())
                    .launch(() -> gateway.processes().launch(lookup.route().command(), env, new StdinBacklog()));
        } catch (IOException e) {
            scope.error("process", "Could not launch CGI script (%s)", e.getMessage());
            PlainHttpHandler.text(response, 500, "500 Internal Server Error\n");
            return;
        }
        gateway.track(child);
        scope = scope.with("pid", Long.toString(child.pid()));
        scope.access("http", "CGI");
        GatewayLog stderrLog = scope;
        Future<?> feeding = null;
        try {
            // Body in and stderr out on their own threads, so a script that writes before reading
            // all its input cannot deadlock against us.
            InputStream body = request.getInputStream();
            feeding = gateway.workers().submit(() -> feedStdin(child, body, stderrLog));
            gateway.workers().execute(() -> logStderr(child, stderrLog));
            InputStream out = child.stdout();
            if (!writeHeaders(out, response, scope)) {
                return;
            }
            OutputStream client = response.getOutputStream();
            out.transferTo(client);
        } catch (IOException e) {
            scope.debug("http", "CGI response ended early: %s", e.getMessage());
        } finally {
            child.terminate(config.closeMs(), gateway.timer());
            try {
                child.awaitExit(2000 + 3 * config.closeMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            awaitFeeding(feeding, scope);
            gateway.untrack(child);
        }
    }

    /**
     * The body belongs to this request: once we return, Grizzly recycles it, and a feeder still
     * reading would fail, or read the next request's body. With stdin closed by now, the feeder ends
     * at its next write; at worst it waits for a client that stopped sending (Grizzly's read timeout).
     */
    private static void awaitFeeding(Future<?> feeding, GatewayLog log) {
        if (feeding == null) {
            return;
        }
        try {
            feeding.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.debug("process", "CGI stdin feeder failed: %s", e.getCause());
        }
    }

    /** Parses the script's header block onto the response; false (after a 502) if it is unusable. */
    private static boolean writeHeaders(InputStream out, Response response, GatewayLog log) throws IOException {
        int status = -1;
        boolean hasType = false;
        boolean hasLocation = false;
        while (true) {
            String line = readLine(out);
            if (line == null) {
                log.error("http", "CGI script sent no complete header block");
                PlainHttpHandler.text(response, 502, "502 Bad Gateway: the CGI script sent no headers\n");
                return false;
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                log.error("http", "CGI script sent a bad header line: %s", line);
                PlainHttpHandler.text(response, 502, "502 Bad Gateway: bad CGI header\n");
                return false;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (name.toLowerCase(Locale.ROOT)) {
                case "status":
                    status = parseStatus(value);
                    if (status < 0) {
                        log.error("http", "CGI script sent a bad Status: %s", value);
                        PlainHttpHandler.text(response, 502, "502 Bad Gateway: bad CGI Status\n");
                        return false;
                    }
                    break;
                case "content-type":
                    hasType = true;
                    response.setContentType(value);
                    break;
                case "location":
                    hasLocation = true;
                    response.addHeader("Location", value);
                    break;
                default:
                    response.addHeader(name, value);
            }
        }
        if (!hasType && !hasLocation) {
            // CGI/1.1 (RFC 3875 6.3.1): a document response must have a Content-Type.
            log.error("http", "CGI script sent neither Content-Type nor Location");
            PlainHttpHandler.text(response, 502, "502 Bad Gateway: missing Content-Type\n");
            return false;
        }
        response.setStatus(status > 0 ? status : hasLocation ? 302 : 200);
        return true;
    }

    private static int parseStatus(String value) {
        String code = value.split(" ", 2)[0];
        try {
            int n = Integer.parseInt(code);
            return n >= 100 && n <= 999 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One header line without its "\n" or "\r\n"; null at EOF or when the header block is too big. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_HEADER_BYTES) {
                return null;
            }
            line.write(b);
        }
        return null;
    }

    private static void feedStdin(ChildProcess child, InputStream body, GatewayLog log) {
        byte[] buf = new byte[16 * 1024];
        try {
            int n;
            while ((n = body.read(buf)) >= 0) {
                child.writeStdin(buf, 0, n);
            }
        } catch (IOException e) {
            log.debug("process", "CGI stdin ended early: %s", e.getMessage());
        } finally {
            child.closeStdin();
        }
    }

    private static void logStderr(ChildProcess child, GatewayLog log) {
        try (InputStream err = child.stderr()) {
            LineSplitter.readLines(err, 8192, MAX_STDERR_LINE, line -> log.error("stderr", "%s", line));
        } catch (IOException e) {
            log.debug("process", "stderr read failed: %s", e.getMessage());
        }
    }
}
