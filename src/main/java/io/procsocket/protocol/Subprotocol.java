package io.procsocket.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The WebSocket subprotocol a client offers to speak procsocket.v1 (docs/PROTOCOL.md). */
public final class Subprotocol {
    public static final String V1 = "procsocket.v1";
    /**
     * Plain line mode, asked for by name: a browser that must offer a subprotocol (one carrying a bearer token,
     * {@code bearer.<token>}) fails the connection unless the server echoes one back, so it offers this as well.
     */
    public static final String LINES = "procsocket.lines";
    public static final String HEADER = "Sec-WebSocket-Protocol";

    private Subprotocol() { }

    /**
     * The subprotocols a handshake offers, in order: RFC 6455 4.1 makes the header a comma-separated list, possibly
     * repeated, of case-sensitive tokens.
     */
    public static List<String> offers(List<Map.Entry<String, String>> headers) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(HEADER)) {
                for (String token : h.getValue().split(",")) {
                    out.add(token.trim());
                }
            }
        }
        return out;
    }

    /** Whether the handshake offers procsocket.v1. */
    public static boolean offered(List<Map.Entry<String, String>> headers) {
        return offers(headers).contains(V1);
    }
}
