package io.procsocket.gateway;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether a request is a well-formed RFC 6455 opening handshake (section 4.2.1), decided before anything is
 * kept for it: a request that fails here never gets a ticket, a fork slot or a program. Each failure has the
 * answer the RFC (or websocketd) gives: 405 for another method, 426 naming version 13 for another version,
 * 400 for everything else.
 */
public final class HandshakeCheck {
    /** Why the handshake is refused: the answer, and the reason for the log. */
    public record Failure(Refusal refusal, String reason) { }

    private HandshakeCheck() { }

    /** The failure, or null for a handshake the gateway may go on with. */
    public static Failure check(HandshakeInfo request) {
        if (!"GET".equals(request.method())) {
            return new Failure(Refusal.METHOD_NOT_ALLOWED, "upgrade with method " + request.method());
        }
        if (!"HTTP/1.1".equals(request.protocol())) {
            return bad("upgrade over " + request.protocol() + " (HTTP/1.1 required)");
        }
        String host = HostHeader.problem(request.headers(), request.protocol());
        if (host != null) {
            return bad(host);
        }
        if (!hasToken(request.headers(), "Connection", "upgrade")) {
            return bad("no Connection: Upgrade");
        }
        String key = single(request.headers(), "Sec-WebSocket-Key");
        if (key == null || !validKey(key)) {
            return bad(key == null ? "missing or repeated Sec-WebSocket-Key" : "malformed Sec-WebSocket-Key");
        }
        String version = single(request.headers(), "Sec-WebSocket-Version");
        if (!"13".equals(version == null ? null : version.trim())) {
            return new Failure(Refusal.UPGRADE_REQUIRED, "unsupported Sec-WebSocket-Version");
        }
        return null;
    }

    private static Failure bad(String reason) {
        return new Failure(Refusal.BAD_REQUEST.withBody("400 Bad Request: " + reason + "\n"), reason);
    }

    /** RFC 6455 4.1: the key is 16 random bytes, base64-encoded (24 characters with padding). */
    static boolean validKey(String key) {
        String k = key.trim();
        if (k.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(k).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The value of a header that must appear once; null if it is missing or repeated. */
    private static String single(List<Map.Entry<String, String>> headers, String name) {
        String found = null;
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                if (found != null) {
                    return null;
                }
                found = h.getValue();
            }
        }
        return found;
    }

    /** Whether a comma-separated header (in any of its occurrences) lists {@code token}, case-insensitively. */
    static boolean hasToken(List<Map.Entry<String, String>> headers, String name, String token) {
        for (Map.Entry<String, String> h : headers) {
            if (!h.getKey().equalsIgnoreCase(name)) {
                continue;
            }
            for (String t : h.getValue().split(",")) {
                if (t.trim().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
