package io.procsocket.gateway;

import io.procsocket.config.Config;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * websocketd's checkOrigin, rule for rule. A missing Origin counts as {@code file:} (no host), so it
 * fails --sameorigin and every --origin entry; {@code null} is not a URL and is refused whenever a
 * rule is set. An --origin entry without a port matches any port (websocketd reads "no port" as 80
 * and then compares host names only unless ":80" was written); without a scheme it matches any scheme.
 */
public final class OriginCheck {
    /** Go's url.ParseRequestURI, enough of it: an absolute URL, or an absolute path. */
    private static final Pattern ABSOLUTE = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):(?://([^/?#]*))?.*", Pattern.DOTALL);

    private OriginCheck() { }

    /** Why the Origin is refused, or null if the upgrade may go on. */
    public static String refusal(Config.OriginPolicy policy, String originHeader, String host, boolean secure) {
        if (!policy.restricted()) {
            return null;
        }
        String origin = originHeader == null || originHeader.isEmpty() ? "file:" : originHeader;
        String scheme;
        String authority;
        Matcher m = ABSOLUTE.matcher(origin);
        if (m.matches()) {
            scheme = m.group(1).toLowerCase(Locale.ROOT);
            authority = m.group(2) == null ? "" : m.group(2);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                authority = authority.substring(at + 1);
            }
        } else if (origin.startsWith("/")) {
            scheme = "";
            authority = "";
        } else {
            return "Origin parsing error: " + origin;
        }
        String[] originHostPort = hostPort(authority, "https".equals(scheme));
        if (originHostPort == null) {
            return "Origin hostname parsing error: " + authority;
        }
        if (policy.sameOrigin()) {
            String[] local = hostPort(host, secure);
            if (local == null) {
                return "Request hostname parsing error: " + host;
            }
            if (!sameHost(originHostPort[0], local[0]) || !originHostPort[1].equals(local[1])) {
                return "Same origin policy mismatch";
            }
        }
        if (policy.allowed() != null && !listed(policy, scheme, originHostPort)) {
            return "Origin is not listed in allowed list";
        }
        return null;
    }

    private static boolean listed(Config.OriginPolicy policy, String scheme, String[] origin) {
        for (String entry : policy.allowed()) {
            String allowed = entry;
            int sep = allowed.indexOf("://");
            if (sep > 0) {
                if (!allowed.substring(0, sep).toLowerCase(Locale.ROOT).equals(scheme)) {
                    continue;
                }
                allowed = allowed.substring(sep + 3);
            }
            String[] hp = hostPort(allowed, false);
            if (hp == null) {
                continue;
            }
            boolean anyPort = hp[1].equals("80") && !allowed.endsWith(":80");
            if (sameHost(hp[0], origin[0]) && (anyPort || hp[1].equals(origin[1]))) {
                return true;
            }
        }
        return false;
    }

    /** Host names compare case-insensitively (DNS does); websocketd compares them as typed. */
    private static boolean sameHost(String a, String b) {
        return a.equalsIgnoreCase(b);
    }

    /**
     * Go's SplitHostPort with websocketd's "missing port" fallback to the scheme's default port.
     * Returns {host, port}, or null for an address Go would reject (too many colons, junk after ']').
     */
    static String[] hostPort(String hostPort, boolean secure) {
        String defaultPort = secure ? "443" : "80";
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                return null;
            }
            String rest = hostPort.substring(close + 1);
            if (rest.isEmpty()) {
                return new String[] {hostPort, defaultPort};
            }
            if (!rest.startsWith(":") || rest.indexOf(':', 1) >= 0) {
                return null;
            }
            return new String[] {hostPort.substring(1, close), rest.substring(1)};
        }
        int colon = hostPort.indexOf(':');
        if (colon < 0) {
            return new String[] {hostPort, defaultPort};
        }
        if (hostPort.indexOf(':', colon + 1) >= 0) {
            return null;
        }
        return new String[] {hostPort.substring(0, colon), hostPort.substring(colon + 1)};
    }
}
