package io.procsocket.gateway;

import java.util.List;
import java.util.Map;

/**
 * The Host header as Go's net/http (and so websocketd) accepts it: exactly one for HTTP/1.1, made only of the
 * bytes a host name, an IP literal and a port may contain. Anything else is 400 before the request is served,
 * so a Host with spaces, control bytes or quotes never reaches a log line, an Origin check or a program.
 */
public final class HostHeader {
    private static final boolean[] VALID = new boolean[128];
    static {
        for (char c = '0'; c <= '9'; c++) {
            VALID[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            VALID[c] = true;
            VALID[Character.toUpperCase(c)] = true;
        }
        for (char c : "!$%&'()*+,-.:;=[]_~".toCharArray()) {
            VALID[c] = true;
        }
    }

    private HostHeader() { }

    /** Why the request's Host header is unacceptable, or null. */
    public static String problem(List<Map.Entry<String, String>> headers, String protocol) {
        String host = null;
        int count = 0;
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase("Host")) {
                host = h.getValue();
                count++;
            }
        }
        if (count > 1) {
            return "too many Host headers";
        }
        if (count == 0) {
            return "HTTP/1.0".equals(protocol) ? null : "missing required Host header";
        }
        return valid(host) ? null : "malformed Host header";
    }

    static boolean valid(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c >= VALID.length || !VALID[c]) {
                return false;
            }
        }
        return true;
    }
}
