package io.procsocket.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Small pure checks on single flag values; each throws a one-line {@link UsageException}. */
public final class Validators {
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Validators() { }

    public static int port(String flag, String value) throws UsageException {
        int port = integer(flag, value);
        if (port < 0 || port > 65535) {
            throw new UsageException("--" + flag + " must be between 0 and 65535, got " + value);
        }
        return port;
    }

    public static int nonNegativeInt(String flag, String value) throws UsageException {
        int n = integer(flag, value);
        if (n < 0) {
            throw new UsageException("--" + flag + " must not be negative, got " + value);
        }
        return n;
    }

    public static int positiveInt(String flag, String value) throws UsageException {
        int n = integer(flag, value);
        if (n <= 0) {
            throw new UsageException("--" + flag + " must be at least 1, got " + value);
        }
        return n;
    }

    /** --realm: printable ASCII without quotes or backslashes, so it goes into WWW-Authenticate as it is. */
    public static String realm(String value) throws UsageException {
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\')) {
            throw new UsageException("--realm must be printable ASCII without quotes or backslashes");
        }
        return value;
    }

    /** --bearer-cookie: an RFC 6265 cookie name (an HTTP token). */
    public static String cookieName(String value) throws UsageException {
        if (value.isEmpty() || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            throw new UsageException("--bearer-cookie must be a cookie name (letters, digits and !#$%&'*+-.^_`|~)");
        }
        return value;
    }

    /** --protocol: offered (the default: procsocket.v1 for clients that ask) or required; true for required. */
    public static boolean protocolMode(String value) throws UsageException {
        switch (value) {
            case "offered":
                return false;
            case "required":
                return true;
            default:
                throw new UsageException("--protocol must be offered or required, got " + value);
        }
    }

    public static Config.SharedInput sharedInput(String value) throws UsageException {
        switch (value) {
            case "all":
                return Config.SharedInput.ALL;
            case "none":
                return Config.SharedInput.NONE;
            default:
                throw new UsageException("--shared-input must be all or none, got " + value);
        }
    }

    /**
     * --shared-bus: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or rediss:// for TLS, as Redis clients take it.
     * Checked here so that a typo fails at start-up, not at the first client.
     */
    public static String redisUrl(String value) throws UsageException {
        java.net.URI uri;
        try {
            uri = new java.net.URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new UsageException("--shared-bus is not a URL: " + value);
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new UsageException("--shared-bus takes redis://HOST:PORT[/DB] or rediss://..., got " + value);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new UsageException("--shared-bus has no host: " + value);
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/") && !path.matches("/[0-9]{1,2}")) {
            throw new UsageException("--shared-bus: the path must be a database number, got " + path);
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new UsageException("--shared-bus takes no query or fragment: " + value);
        }
        return value;
    }

    public static boolean bool(String flag, String value) throws UsageException {
        switch (value) {
            case "true": case "1": case "t": case "T": case "TRUE": case "True":
                return true;
            case "false": case "0": case "f": case "F": case "FALSE": case "False":
                return false;
            default:
                throw new UsageException("--" + flag + " takes true or false, got " + value, UsageException.BAD_FLAG);
        }
    }

    public static LogLevel logLevel(String value) throws UsageException {
        return LogLevel.parse(value).orElseThrow(() -> new UsageException(
                "--loglevel must be one of debug, trace, access, info, error, fatal, none; got " + value));
    }

    public static LogFormat logFormat(String value) throws UsageException {
        return LogFormat.parse(value).orElseThrow(() -> new UsageException(
                "--logformat must be text or json; got " + value));
    }

    /** An address as websocketd takes it: host name, IPv4, or IPv6 in brackets. Returns it without brackets. */
    public static String address(String value) throws UsageException {
        if (value.isEmpty()) {
            throw new UsageException("--address must not be empty");
        }
        if (value.startsWith("[")) {
            if (!value.endsWith("]") || value.length() < 3) {
                throw new UsageException("--address has an unclosed IPv6 bracket: " + value);
            }
            return value.substring(1, value.length() - 1);
        }
        if (value.contains("]") || value.contains("/")) {
            throw new UsageException("--address is not a host or IP address: " + value);
        }
        if (value.chars().filter(c -> c == ':').count() > 1) {
            throw new UsageException("--address: write IPv6 addresses in brackets, like [" + value + "]");
        }
        if (value.contains(":")) {
            throw new UsageException("--address takes no port (use --port): " + value);
        }
        return value;
    }

    /** --metrics=ADDR:PORT: a host or IP ([brackets] for IPv6) and a port, both required. */
    public static Config.MetricsEndpoint metricsListener(String value) throws UsageException {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1 || (value.contains("]") && colon < value.indexOf(']'))) {
            throw new UsageException("--metrics takes ADDR:PORT (like 127.0.0.1:9100), or no value to serve on the "
                    + "gateway's port; got " + value);
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) {
                throw new UsageException("--metrics has an unclosed IPv6 bracket: " + value);
            }
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":") || host.contains("]") || host.contains("/")) {
            throw new UsageException("--metrics: write IPv6 addresses in brackets, like [::1]:9100; got " + value);
        }
        return new Config.MetricsEndpoint(true, host, port("metrics", value.substring(colon + 1)));
    }

    /** A comma list of environment variable names. */
    public static List<String> envNames(String value) throws UsageException {
        List<String> names = new ArrayList<>();
        for (String raw : value.split(",", -1)) {
            String name = raw.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!ENV_NAME.matcher(name).matches()) {
                throw new UsageException("--passenv: not a variable name: " + name);
            }
            names.add(name);
        }
        return names;
    }

    /** A header flag's "Name: value": an HTTP token name, no line breaks anywhere (no response splitting). */
    public static Config.Header header(String flag, String value) throws UsageException {
        int colon = value.indexOf(':');
        if (colon <= 0) {
            throw new UsageException("--" + flag + " takes \"Name: value\", got " + value);
        }
        String name = value.substring(0, colon).trim();
        String v = value.substring(colon + 1).trim();
        if (!HEADER_NAME.matcher(name).matches()) {
            throw new UsageException("--" + flag + ": not a header name: " + name);
        }
        if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\0') >= 0) {
            throw new UsageException("--" + flag + ": the value of " + name + " must not contain line breaks");
        }
        return new Config.Header(name, v);
    }

    /** --origin's comma list, entries trimmed, empty entries dropped; each is [scheme://]host[:port]. */
    public static List<String> origins(String value) throws UsageException {
        List<String> out = new ArrayList<>();
        for (String raw : value.split(",", -1)) {
            String o = raw.trim();
            if (o.isEmpty()) {
                continue;
            }
            if (o.chars().anyMatch(Character::isWhitespace)) {
                throw new UsageException("--origin: not an origin: " + o);
            }
            out.add(o);
        }
        // websocketd: an empty list means no restriction.
        return out.isEmpty() ? null : out;
    }

    private static int integer(String flag, String value) throws UsageException {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + flag + " takes a whole number, got " + value, UsageException.BAD_FLAG);
        }
    }

    /**
     * A Unix socket path: not empty, its folder there, and short enough for sun_path (108 bytes with the NUL),
     * which the kernel would otherwise refuse only at bind time.
     */
    public static java.nio.file.Path unixSocket(String value, java.nio.file.Path workingDir) throws UsageException {
        if (value.isEmpty()) {
            throw new UsageException("--unixsocket must not be empty");
        }
        java.nio.file.Path p = workingDir.resolve(value).toAbsolutePath().normalize();
        if (p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw new UsageException("--unixsocket: path longer than 107 bytes, which a Unix socket cannot have: " + value);
        }
        if (p.getParent() == null || !java.nio.file.Files.isDirectory(p.getParent())) {
            throw new UsageException("--unixsocket: no such directory for the socket: " + value);
        }
        if (java.nio.file.Files.isDirectory(p)) {
            throw new UsageException("--unixsocket: is a directory: " + value);
        }
        return p;
    }
}
