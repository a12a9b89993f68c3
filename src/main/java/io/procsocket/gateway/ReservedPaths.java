package io.procsocket.gateway;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Paths under {@code /.procsocket/} belong to the server's fixed endpoints and never reach a program. Decided
 * on the decoded path with dot segments resolved, so {@code /%2Eprocsocket/echo}, {@code /x/../.procsocket/}
 * and every other spelling of the prefix is the prefix.
 */
public final class ReservedPaths {
    public static final String SEGMENT = ".procsocket";
    /** The echo endpoint as clients address it. */
    public static final String ECHO = "/" + SEGMENT + "/echo";

    private ReservedPaths() { }

    /** Whether a decoded path is under the reserved prefix, however it is written. */
    public static boolean reserved(String decodedPath) {
        Deque<String> segments = new ArrayDeque<>();
        for (String s : decodedPath.split("/", -1)) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(s);
            }
        }
        return SEGMENT.equals(segments.peekFirst());
    }

    /** Whether a decoded path is exactly the echo endpoint's. */
    public static boolean echo(String decodedPath) {
        return ECHO.equals(decodedPath);
    }
}
