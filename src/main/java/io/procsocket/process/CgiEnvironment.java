package io.procsocket.process;

import io.procsocket.identity.Identity;
import io.procsocket.config.Config;
import io.procsocket.config.Version;
import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.gateway.Route;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The child's whole environment, CGI style, built from nothing (the server's own variables never
 * leak in except those named by --passenv). Same names and order as websocketd, plus HTTP_HOST.
 */
public final class CgiEnvironment {
    /** Linux's MAX_ARG_STRLEN with 4 KiB pages, the terminating NUL included. */
    static final int MAX_ENV_STRING_BYTES = 32 * 4096;

    private CgiEnvironment() { }

    /**
     * A WebSocket upgrade: a GET without a body. PATH_TRANSLATED is the request's decoded path, as websocketd
     * sets it (Go's url.Path), in single-command and --dir mode alike; CGI scripts keep the script's file.
     */
    public static Map<String, String> build(HandshakeInfo request, Route route, Config config,
                                            String uniqueId, String remoteHost) {
        Map<String, String> env = build(request, "GET", "", "", route, config, uniqueId, remoteHost);
        env.put("PATH_TRANSLATED", request.contextPath() + request.path());
        return env;
    }

    /** REMOTE_USER and AUTH_TYPE: who the connection serves, as the gateway's identity check (or the container) said. */
    public static void identify(Map<String, String> env, Identity identity) {
        env.put("AUTH_TYPE", identity.authType());
        env.put("REMOTE_USER", identity.user());
    }

    /**
     * Any request, CGI scripts included.
     *
     * @param contentLength CONTENT_LENGTH ("" when there is no body)
     * @param contentType   CONTENT_TYPE ("" when none was sent)
     */
    public static Map<String, String> build(HandshakeInfo request, String method, String contentLength,
                                            String contentType, Route route, Config config,
                                            String uniqueId, String remoteHost) {
        Map<String, String> env = new LinkedHashMap<>();
        String[] hostPort = splitHostPort(request.host(), request.secure());
        env.put("SERVER_SOFTWARE", Version.SERVER_SOFTWARE);
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("SERVER_PROTOCOL", "HTTP/1.1");
        env.put("REQUEST_METHOD", method);
        env.put("SERVER_NAME", hostPort[0]);
        env.put("SERVER_PORT", hostPort[1]);
        env.put("REMOTE_ADDR", request.remoteAddr());
        env.put("REMOTE_PORT", request.remotePort() < 0 ? "" : Integer.toString(request.remotePort()));
        env.put("REMOTE_HOST", remoteHost);
        env.put("SCRIPT_NAME", request.contextPath() + route.scriptName());
        env.put("PATH_INFO", route.pathInfo());
        env.put("PATH_TRANSLATED", route.pathTranslated());
        env.put("QUERY_STRING", request.rawQuery());
        env.put("REQUEST_URI", request.contextPath() + request.requestUri());
        env.put("UNIQUE_ID", uniqueId);
        if (request.secure()) {
            env.put("HTTPS", "on");
        }
        env.put("AUTH_TYPE", "");
        env.put("CONTENT_LENGTH", contentLength);
        env.put("CONTENT_TYPE", contentType);
        env.put("REMOTE_IDENT", "");
        env.put("REMOTE_USER", "");
        for (Map.Entry<String, String> header : request.headers()) {
            String name = headerVariable(header.getKey());
            // httpoxy (CVE-2016-5385): a client's "Proxy:" header would become HTTP_PROXY, which curl,
            // wget and most HTTP libraries in the child take as their outgoing proxy.
            if (name == null || name.equals("HTTP_PROXY")) {
                continue;
            }
            String value = header.getValue().replace('\r', ' ').replace('\n', ' ');
            env.merge(name, value, (a, b) -> a + ", " + b);
        }
        for (Config.EnvVar v : config.passEnv()) {
            env.put(v.name(), v.value());
        }
        // --env (a routes file's env:) last: what the operator set for this route wins.
        for (Config.EnvVar v : config.extraEnv()) {
            env.put(v.name(), v.value());
        }
        return env;
    }

    /**
     * A --shared program's environment: the route's and the server's, never one client's (no REMOTE_*, no
     * HTTP_* from request headers, no QUERY_STRING). SCRIPT_NAME as for its clients, PATH_INFO empty.
     */
    public static Map<String, String> forSharedRoute(Route route, Config config, String contextPath, String uniqueId) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SERVER_SOFTWARE", Version.SERVER_SOFTWARE);
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("SERVER_PROTOCOL", "HTTP/1.1");
        env.put("REQUEST_METHOD", "GET");
        env.put("SCRIPT_NAME", contextPath + route.scriptName());
        env.put("PATH_INFO", "");
        env.put("PATH_TRANSLATED", route.pathTranslated());
        env.put("UNIQUE_ID", uniqueId);
        if (config.secure()) {
            env.put("HTTPS", "on");
        }
        for (Config.EnvVar v : config.passEnv()) {
            env.put(v.name(), v.value());
        }
        // --env (a routes file's env:) last: what the operator set for this route wins.
        for (Config.EnvVar v : config.extraEnv()) {
            env.put(v.name(), v.value());
        }
        return env;
    }

    /**
     * Removes from {@code env} every variable execve(2) would refuse, and returns their names. Linux
     * takes at most MAX_ARG_STRLEN (32 pages: 128 KiB) for one "NAME=value" string, and one string over
     * it fails the whole launch with E2BIG, so a big cookie would otherwise stop the program starting.
     */
    public static List<String> dropUnpassable(Map<String, String> env) {
        List<String> dropped = new ArrayList<>();
        env.entrySet().removeIf(e -> {
            // The launcher encodes each string as UTF-8 and ends it with a NUL.
            long bytes = utf8Length(e.getKey()) + 1 + utf8Length(e.getValue()) + 1;
            if (bytes <= MAX_ENV_STRING_BYTES) {
                return false;
            }
            dropped.add(e.getKey());
            return true;
        });
        return dropped;
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * REMOTE_HOST: the peer's address, or with --reverselookup its name from reverse DNS (the address
     * again when the lookup finds nothing). The lookup blocks, which is why it is opt-in, as in websocketd.
     */
    public static String remoteHost(String remoteAddr, boolean reverseLookup) {
        if (!reverseLookup || HandshakeInfo.UNKNOWN_HOST.equals(remoteAddr)) {
            return remoteAddr;
        }
        try {
            return InetAddress.getByName(remoteAddr).getCanonicalHostName();
        } catch (UnknownHostException | SecurityException e) {
            return remoteAddr;
        }
    }

    /**
     * HTTP_NAME for a header, or null for a name no shell could use or one with '_'. With '-' and '_'
     * both becoming '_', a client's "X_Forwarded_For" would land in (or be joined to) the
     * HTTP_X_FORWARDED_FOR of the "X-Forwarded-For" a proxy in front set; nginx and Apache drop such
     * names for the same reason.
     */
    static String headerVariable(String headerName) {
        if (headerName.isEmpty() || headerName.indexOf('_') >= 0) {
            return null;
        }
        StringBuilder sb = new StringBuilder("HTTP_");
        for (int i = 0; i < headerName.length(); i++) {
            char c = headerName.charAt(i);
            if (c == '-') {
                sb.append('_');
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                sb.append(Character.toUpperCase(c));
            } else {
                return null;
            }
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }

    /** SERVER_NAME and SERVER_PORT from the Host header; the port defaults to the scheme's. */
    static String[] splitHostPort(String host, boolean secure) {
        String defaultPort = secure ? "443" : "80";
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close > 0) {
                String name = host.substring(1, close);
                String rest = host.substring(close + 1);
                return new String[] {name, rest.startsWith(":") && rest.length() > 1 ? rest.substring(1) : defaultPort};
            }
        }
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && host.indexOf(':') == colon) {
            return new String[] {host.substring(0, colon), host.substring(colon + 1)};
        }
        return new String[] {host, defaultPort};
    }
}
