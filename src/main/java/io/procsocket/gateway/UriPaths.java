package io.procsocket.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Percent-decoding of a request path ('+' stays '+': it only means space in query strings), and the way back. */
public final class UriPaths {
    private UriPaths() { }

    /** Decoded path, or null if an escape is malformed. */
    public static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * A folder's URL for a Location header, built from its cleaned segments rather than from the request:
     * each segment percent-encoded (what it decoded to goes back as data, never as a separator) and the
     * whole under exactly one leading slash, so it can never read as protocol-relative ("//host/").
     * {@code rawQuery} (without '?', or null) is kept, with anything not printable ASCII escaped.
     */
    public static String folderLocation(List<String> segments, String rawQuery) {
        return encodePath(segments, true) + encodeQuery(rawQuery);
    }

    /** Decoded segments as a URL path under one leading slash; every byte outside {@link #isPathChar} escaped. */
    public static String encodePath(List<String> segments, boolean trailingSlash) {
        StringBuilder sb = new StringBuilder();
        for (String segment : segments) {
            sb.append('/');
            for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xFF;
                if (isPathChar(c)) {
                    sb.append((char) c);
                } else {
                    appendEscape(sb, c);
                }
            }
        }
        if (sb.length() == 0 || trailingSlash) {
            sb.append('/');
        }
        return sb.toString();
    }

    /** "?" and the query as sent, with any byte a Location header cannot carry escaped; "" for none. */
    public static String encodeQuery(String rawQuery) {
        if (rawQuery == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder("?");
        for (int i = 0; i < rawQuery.length(); i++) {
            char c = rawQuery.charAt(i);
            if (c > 0x20 && c < 0x7F) {
                sb.append(c);
            } else {
                // Grizzly reads the request line as ISO-8859-1, so every char here is one byte of it.
                appendEscape(sb, c & 0xFF);
            }
        }
        return sb.toString();
    }

    /**
     * RFC 3986 pchar minus ';' (servlet containers cut path parameters at it): unreserved, the other
     * sub-delims, ':' and '@'.
     */
    private static boolean isPathChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,=:@".indexOf(c) >= 0;
    }

    private static void appendEscape(StringBuilder sb, int b) {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
    }
}
