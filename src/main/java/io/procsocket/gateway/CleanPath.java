package io.procsocket.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Go's path cleaning, as websocketd's HTTP server applies it to every request (net/http's ServeMux): repeated
 * slashes become one, {@code .} segments go, {@code ..} removes the segment before it (never above the root),
 * and a trailing slash is kept. A request whose decoded path is not clean is answered 301 to the clean one;
 * the clean path then goes through the same containment checks as any other, so this only ever shortens a
 * path. The redirect target always starts with exactly one slash: never a protocol-relative URL.
 */
public final class CleanPath {
    private CleanPath() { }

    /** The clean form of a decoded path that starts with '/'. */
    public static String clean(String path) {
        Deque<String> out = new ArrayDeque<>();
        for (String s : path.split("/", -1)) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                out.pollLast();
            } else {
                out.addLast(s);
            }
        }
        StringBuilder clean = new StringBuilder();
        for (String s : out) {
            clean.append('/').append(s);
        }
        boolean trailing = path.endsWith("/") || path.endsWith("/.") || path.endsWith("/..");
        if (clean.length() == 0 || trailing) {
            clean.append('/');
        }
        return clean.toString();
    }

    /**
     * A decoded path written back as a URL path: every byte outside RFC 3986's unreserved characters,
     * sub-delims, ':', '@' and '/' is percent-encoded (so an encoded slash inside a segment stays encoded).
     */
    public static String encode(String decodedPath) {
        StringBuilder out = new StringBuilder(decodedPath.length() + 8);
        for (byte b : decodedPath.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /**
     * The 301 for a request whose path (below {@code contextPath}, "" standalone) is not clean, or null if it is.
     */
    public static Refusal redirect(String contextPath, String decodedPath, String rawQuery) {
        String clean = clean(decodedPath);
        if (clean.equals(decodedPath)) {
            return null;
        }
        String location = contextPath + encode(clean) + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
        return new Refusal(301, "<a href=\"" + location.replace("\"", "%22") + "\">Moved Permanently</a>.\n\n",
                java.util.List.of(new io.procsocket.config.Config.Header("Location", location)));
    }
}
