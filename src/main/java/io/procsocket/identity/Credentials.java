package io.procsocket.identity;

import java.util.List;
import io.procsocket.protocol.Subprotocol;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * What a request carries to say who it is, read once from its headers. A bearer token (or JWT) comes from
 * {@code Authorization: Bearer}, from a subprotocol entry {@code bearer.<token>} (the browser's WebSocket API cannot
 * set headers; the entry is never echoed back), or from the cookie --bearer-cookie names; never from the query
 * string, which ends up in logs.
 *
 * @param basicUser     the user of {@code Authorization: Basic}, or null
 * @param basicPassword its password, or null
 * @param bearer        the bearer token, or null
 */
public record Credentials(String basicUser, String basicPassword, String bearer) {
    /** The subprotocol entry that carries a bearer token. */
    public static final String BEARER_SUBPROTOCOL = "bearer.";

    public static final Credentials NONE = new Credentials(null, null, null);

    /** The credentials in a request's headers; {@code bearerCookie} is the cookie a token may be in, or null. */
    public static Credentials of(List<Map.Entry<String, String>> headers, String bearerCookie) {
        String basicUser = null;
        String basicPassword = null;
        String bearer = null;
        String authorization = null;
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase("Authorization")) {
                authorization = h.getValue();
                break;
            }
        }
        if (authorization != null) {
            String a = authorization.trim();
            String scheme = a.contains(" ") ? a.substring(0, a.indexOf(' ')).toLowerCase(Locale.ROOT) : "";
            String value = a.contains(" ") ? a.substring(a.indexOf(' ') + 1).trim() : "";
            if (scheme.equals("basic")) {
                String decoded = decodeBasic(value);
                if (decoded != null && decoded.indexOf(':') >= 0) {
                    basicUser = decoded.substring(0, decoded.indexOf(':'));
                    basicPassword = decoded.substring(decoded.indexOf(':') + 1);
                }
            } else if (scheme.equals("bearer") && !value.isEmpty()) {
                bearer = value;
            }
        }
        if (bearer == null) {
            bearer = fromSubprotocol(headers);
        }
        if (bearer == null && bearerCookie != null) {
            bearer = cookie(headers, bearerCookie);
        }
        return new Credentials(basicUser, basicPassword, bearer);
    }

    private static String decodeBasic(String value) {
        try {
            return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String fromSubprotocol(List<Map.Entry<String, String>> headers) {
        for (String t : Subprotocol.offers(headers)) {
            if (t.startsWith(BEARER_SUBPROTOCOL) && t.length() > BEARER_SUBPROTOCOL.length()) {
                return t.substring(BEARER_SUBPROTOCOL.length());
            }
        }
        return null;
    }

    /** RFC 6265 5.4: {@code Cookie: a=1; b=2}, possibly in several headers. */
    static String cookie(List<Map.Entry<String, String>> headers, String name) {
        for (Map.Entry<String, String> h : headers) {
            if (!h.getKey().equalsIgnoreCase("Cookie")) {
                continue;
            }
            for (String pair : h.getValue().split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    String v = pair.substring(eq + 1).trim();
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    return v.isEmpty() ? null : v;
                }
            }
        }
        return null;
    }

    @Override
    public String toString() {
        // Never the secrets: a record's default toString would print them into whatever logs this.
        return "Credentials[basicUser=" + basicUser + ", bearer=" + (bearer == null ? "none" : "present") + "]";
    }
}
