package io.procsocket.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything the gateway needs to know, fixed at startup. Built only by {@link CommandLine}
 * (from CLI flags standalone, or from the same flags as one string inside a servlet container).
 *
 * @param port          listen port (standalone only)
 * @param addresses     bind addresses; empty means all interfaces
 * @param command       absolute path of the program followed by its arguments; empty with --dir
 *                      (and when only --staticdir/--cgidir are served)
 * @param scriptDir     --dir: every executable below it at its own path, or null
 * @param binary        raw byte chunks both ways instead of lines
 * @param passEnv       parent environment variables handed to children, already resolved
 * @param closeMs       added to every wait of the kill sequence
 * @param maxForks      most children at once; 0 = unlimited
 * @param maxFrameSize  largest incoming message in bytes; 0 = unlimited
 * @param logLevel      lowest level written
 * @param devConsole    serve the console page on plain GETs
 * @param staticDir     --staticdir: static files served over plain HTTP, or null
 * @param cgiDir        --cgidir: CGI/1.1 scripts served over plain HTTP, or null
 * @param origins       --origin / --sameorigin
 * @param headers       --header / --header-ws / --header-http
 * @param tls           --ssl with its PEM files, or null for plain ws/http
 * @param redirPort     --redirport: extra plain-HTTP port answering 301 to https; 0 = off
 * @param pingMs        --pingms: ping interval; 0 = off
 * @param passStderr    --passstderr: stdout and stderr both to the client as JSON
 * @param reverseLookup --reverselookup: REMOTE_HOST by reverse DNS
 * @param echoEndpoint  --echoendpoint: serve the in-JVM echo endpoint at /.procsocket/echo
 * @param headerTimeoutMs  --headertimeoutms: how long a connection may take to send a request's headers,
 *                         counted from when it is ready for that request (accepted, or the previous response
 *                         sent); 0 = no limit (standalone only)
 * @param messageTimeoutMs --messagetimeoutms: how long a WebSocket message that has begun may go without
 *                         receiving more of its bytes; 0 = no limit (standalone only)
 * @param unixSocket    --unixsocket: a Unix domain socket to listen on as well, or null (standalone only)
 * @param listenTcp     whether to listen on TCP: always, unless --unixsocket was given without --port or
 *                      --address
 * @param commandName   the program as websocketd names it in its log (Go's exec.LookPath): as typed when it
 *                      has a slash, else the PATH entry it was found in; "" without a command
 * @param shared        --shared and its options: one process per route for every connection, or
 *                      {@link Shared#OFF}
 * @param protocol      --protocol, --resume and --resume-buffer: the procsocket.v1 typed protocol
 * @param auth          --basicauth, --bearer, --jwt-*, --authorize: who may start a program, or {@link Auth#NONE}
 * @param extraEnv      --env (the routes file's env:): variables set for the program after --passenv's
 * @param routes        --config: the file's routes, each with its own config, in the order they are tried; empty
 *                      without a routes file (then COMMAND or --dir is the one route)
 * @param source        --config: how this config was made, to make it again on a reload; null without --config
 * @param logFormat     --logformat: websocketd's text lines or one JSON object a line (standalone only; refused
 *                      as json in a container, whose own handlers format every line)
 * @param metrics       --metrics: Prometheus metrics at /.procsocket/metrics, or on a listener of their own; or
 *                      {@link MetricsEndpoint#OFF}
 */
public record Config(
        int port,
        List<String> addresses,
        List<String> command,
        Path scriptDir,
        boolean binary,
        List<EnvVar> passEnv,
        long closeMs,
        int maxForks,
        int maxFrameSize,
        LogLevel logLevel,
        boolean devConsole,
        Path staticDir,
        Path cgiDir,
        OriginPolicy origins,
        ExtraHeaders headers,
        Tls tls,
        int redirPort,
        long pingMs,
        boolean passStderr,
        boolean reverseLookup,
        boolean echoEndpoint,
        long headerTimeoutMs,
        long messageTimeoutMs,
        Path unixSocket,
        boolean listenTcp,
        String commandName,
        Shared shared,
        Protocol protocol,
        Auth auth,
        List<EnvVar> extraEnv,
        List<RouteSpec> routes,
        Source source,
        LogFormat logFormat,
        MetricsEndpoint metrics) {

    public static final int DEFAULT_PORT = 80;
    public static final int DEFAULT_SSL_PORT = 443;
    public static final int DEFAULT_MAX_FORKS = 1024;
    public static final int DEFAULT_MAX_FRAME_SIZE = 1 << 20;
    public static final long DEFAULT_HEADER_TIMEOUT_MS = 10_000;
    public static final long DEFAULT_MESSAGE_TIMEOUT_MS = 30_000;
    public static final List<String> DEFAULT_PASSENV = List.of("PATH", "LD_LIBRARY_PATH");
    /**
     * Largest request head (request line and headers) accepted standalone; more gets 431. websocketd's
     * Go net/http server reads its DefaultMaxHeaderBytes (1 MiB) plus 4096 bytes of buffer slop.
     */
    public static final int MAX_REQUEST_HEAD_BYTES = (1 << 20) + 4096;
    /**
     * Most request header lines accepted standalone; more gets 431. Go has none, but Grizzly keeps
     * almost 400 bytes per line (measured), so a mebibyte of "a:" lines would hold 100 MB per
     * connection; at 2000 (Node's default too) the lines cost no more than the mebibyte itself.
     * Real clients send a few dozen.
     */
    public static final int MAX_REQUEST_HEADERS = 2000;

    /** One parent variable passed through to children. */
    public record EnvVar(String name, String value) { }

    /** One extra response header, "Name: value" on the command line. */
    public record Header(String name, String value) { }

    /**
     * Extra response headers.
     *
     * @param all  --header: every response
     * @param ws   --header-ws: WebSocket handshake responses only
     * @param http --header-http: plain HTTP responses only
     */
    public record ExtraHeaders(List<Header> all, List<Header> ws, List<Header> http) {
        public static final ExtraHeaders NONE = new ExtraHeaders(List.of(), List.of(), List.of());

        public ExtraHeaders {
            all = List.copyOf(all);
            ws = List.copyOf(ws);
            http = List.copyOf(http);
        }
    }

    /**
     * Which Origin headers may open a WebSocket.
     *
     * @param allowed    --origin entries as given ({@code [scheme://]host[:port]}), or null for any
     * @param sameOrigin --sameorigin: Origin's host:port must equal the Host header's
     */
    public record OriginPolicy(List<String> allowed, boolean sameOrigin) {
        public static final OriginPolicy ANY = new OriginPolicy(null, false);

        public OriginPolicy {
            allowed = allowed == null ? null : List.copyOf(allowed);
        }

        public boolean restricted() {
            return sameOrigin || allowed != null;
        }
    }

    /**
     * --ssl: PEM files as websocketd takes them.
     *
     * @param certificate --sslcert: certificate chain, leaf first
     * @param key         --sslkey: PKCS#8, PKCS#1 RSA or SEC1 EC private key
     * @param clientCa    --sslca: CA certificates a client certificate must chain to, or null (no mTLS)
     */
    public record Tls(Path certificate, Path key, Path clientCa) { }

    /** Whether clients of a shared process may write to its stdin (--shared-input). */
    public enum SharedInput { ALL, NONE }

    /**
     * --shared: every connection to a route joins that route's one process.
     *
     * @param enabled    --shared
     * @param input      --shared-input: whose messages reach stdin
     * @param lingerMs   --shared-linger: how long the process outlives its last client
     * @param always     --shared-always: started with the server, restarted (with backoff) when it exits
     * @param replay     --shared-replay: how many of the latest lines (chunks) a joining client gets first
     * @param queueBytes --shared-queue: most bytes waiting to be sent to one client before it is dropped
     * @param maxClients --maxclients: most clients of one route; 0 = no limit
     * @param bus        --shared-bus: the Redis URL several instances share their processes through, or null
     */
    public record Shared(boolean enabled, SharedInput input, long lingerMs, boolean always, int replay,
                         int queueBytes, int maxClients, String bus) {
        public static final int DEFAULT_QUEUE_BYTES = 1 << 20;
        public static final Shared OFF = new Shared(false, SharedInput.ALL, 0, false, 0, DEFAULT_QUEUE_BYTES, 0, null);
    }

    /**
     * The procsocket.v1 protocol, which a client asks for as a WebSocket subprotocol.
     *
     * @param required     --protocol=required: a handshake that does not offer it is refused (400)
     * @param resumeMs     --resume: how long a program outlives a procsocket.v1 client that dropped, waiting for it to
     *                     resume; 0 = off
     * @param resumeBuffer --resume-buffer: most bytes of output kept for a client that may resume
     */
    public record Protocol(boolean required, long resumeMs, int resumeBuffer) {
        public static final int DEFAULT_RESUME_BUFFER = 1 << 20;
        public static final Protocol OFFERED = new Protocol(false, 0, DEFAULT_RESUME_BUFFER);

        public boolean resume() {
            return resumeMs > 0;
        }
    }

    /**
     * Who may start a program, decided before the upgrade (standalone; in a container its own security applies,
     * and only --authorize is taken).
     *
     * @param basicAuth    --basicauth: an htpasswd file of bcrypt entries, or null
     * @param realm        --realm: the Basic realm named in 401 answers
     * @param bearer       --bearer: a file of accepted tokens' SHA-256 digests, or null
     * @param bearerCookie --bearer-cookie: the cookie a bearer token (or JWT) may come in, or null
     * @param jwtJwks      --jwt-jwks: the JSON Web Key Set JWTs are verified with, or null
     * @param jwtIssuer    --jwt-issuer: the iss a JWT must have
     * @param jwtAudience  --jwt-audience: the aud a JWT must have
     * @param authorize    --authorize: a program run before each upgrade (exit 0 admits), with its arguments; empty
     *                     for none
     */
    public record Auth(Path basicAuth, String realm, Path bearer, String bearerCookie, Path jwtJwks, String jwtIssuer,
                       String jwtAudience, List<String> authorize) {
        public static final String DEFAULT_REALM = "procsocket";
        public static final Auth NONE = new Auth(null, DEFAULT_REALM, null, null, null, null, null, List.of());

        public Auth {
            authorize = List.copyOf(authorize);
        }

        /** Whether a request must prove who it is (a client certificate with --sslca proves it at the TLS level). */
        public boolean required() {
            return basicAuth != null || bearer != null || jwtJwks != null;
        }
    }

    /**
     * One route of a routes file.
     *
     * @param path   the request path it serves: exactly, or (ending in '/') that path and everything below it
     * @param line   where it starts in the file, for messages
     * @param config its settings: the file's top level, the route's own, then the command line's, in that order
     */
    public record RouteSpec(String path, int line, Config config) {
        public boolean prefix() {
            return path.endsWith("/");
        }

        /** Whether this route serves {@code decodedPath}. */
        public boolean matches(String decodedPath) {
            return prefix() ? decodedPath.startsWith(path) || decodedPath.equals(path.substring(0, path.length() - 1))
                    : decodedPath.equals(path);
        }
    }

    /** The command line a config with --config came from, to read it (and its file) again on a reload. */
    public record Source(Path file, List<String> args, java.util.Map<String, String> environment, Path workingDir,
                         java.util.Set<String> refused, String why) { }

    /**
     * --metrics: off, on the gateway's own port ({@code --metrics}), or only on {@code host:port}
     * ({@code --metrics=ADDR:PORT}, standalone).
     *
     * @param host the listener's address, or null to serve on the gateway's port
     */
    public record MetricsEndpoint(boolean enabled, String host, int port) {
        public static final MetricsEndpoint OFF = new MetricsEndpoint(false, null, 0);
        public static final MetricsEndpoint ON_GATEWAY = new MetricsEndpoint(true, null, 0);

        /** Whether they have a listener of their own (and the gateway's port does not serve them). */
        public boolean ownListener() {
            return host != null;
        }

        /** Whether the gateway's front door serves them. */
        public boolean onGateway() {
            return enabled && host == null;
        }

        /** host:port as a log or an error names it. */
        public String display() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public Config {
        extraEnv = List.copyOf(extraEnv);
        routes = List.copyOf(routes);
        addresses = List.copyOf(addresses);
        command = List.copyOf(command);
        passEnv = List.copyOf(passEnv);
    }

    /** The least bound on a stdout line sent as one text message: websocketd sends 16 MiB lines whole. */
    public static final int MIN_LINE_SIZE = 16 << 20;

    /**
     * Longest stdout line sent as one text message; longer ones go out in pieces (and are logged). 16 MiB, or
     * --maxframesize when that is larger, so a program answering a message with one as large fits. It is
     * also what one connection may buffer of a line in the making.
     */
    public int maxLineSize() {
        return Math.max(MIN_LINE_SIZE, maxFrameSize);
    }

    public boolean usingScriptDir() {
        return scriptDir != null;
    }

    /** Whether upgrades can run anything: a command or a --dir. */
    public boolean servesWebSockets() {
        return scriptDir != null || !command.isEmpty() || !routes.isEmpty();
    }

    public boolean secure() {
        return tls != null;
    }

    /**
     * How the served program reads in logs, byte for byte websocketd's "%s %s" of the command name and its
     * arguments (so "./count.sh " with a trailing space when there are none); the folder with --dir.
     */
    public String commandLabel() {
        return usingScriptDir() ? scriptDir.toString()
                : commandName + " " + String.join(" ", command.subList(Math.min(1, command.size()), command.size()));
    }
}
