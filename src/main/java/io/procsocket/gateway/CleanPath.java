package io.procsocket.gateway;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

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
     * The 301 for a request whose path (below {@code contextPath}, "" standalone) is not clean, or null if it is.
     */
    public static Refusal redirect(String contextPath, String decodedPath, String rawQuery) {
        String clean = clean(decodedPath);
        if (clean.equals(decodedPath)) {
            return null;
        }
        List<String> segments = new ArrayList<>(List.of(clean.split("/")));
        segments.removeIf(String::isEmpty);
        String location = contextPath + UriPaths.encodePath(segments, clean.endsWith("/"))
                + UriPaths.encodeQuery(rawQuery == null || rawQuery.isEmpty() ? null : rawQuery);
        return new Refusal(301, "<a href=\"" + location.replace("\"", "%22") + "\">Moved Permanently</a>.\n\n",
                java.util.List.of(new io.procsocket.config.Config.Header("Location", location)));
    }
}
