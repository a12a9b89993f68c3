package io.procsocket.web;

import io.procsocket.config.Config;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The dev console, one self-contained HTML file (src/main/webapp/console.html). As websocketd's, the page
 * arrives with the WebSocket URL it was opened at already in its URL field; that URL comes from the request,
 * so it is HTML-escaped into an attribute value and nowhere else (the page's script works it out again from
 * its own location, and never writes it into HTML). The page cannot tell the context path from its own
 * location (it is served at every path), so the client library's URL, which it imports in procsocket.v1 mode,
 * comes in a second slot.
 */
public final class ConsolePage {
    public static final String RESOURCE = "/io/procsocket/webroot/console.html";
    private static final String URL_SLOT = "{{procsocket.url}}";
    private static final String LIBRARY_SLOT = "{{procsocket.library}}";
    /** The page around the URL slot, then the library slot, split once. */
    private static final byte[][] PARTS = split(WebRoot.load(RESOURCE));
    /**
     * Sent with the page by both front doors. The page's own Content-Security-Policy (a meta tag) cannot say
     * frame-ancestors, which only works as a header: without it any site could frame the console and
     * trick a user into clicking through it (clickjacking).
     */
    public static final List<Config.Header> HEADERS = List.of(
            new Config.Header("X-Content-Type-Options", "nosniff"),
            new Config.Header("Cache-Control", "no-store"),
            new Config.Header("Content-Security-Policy", "frame-ancestors 'none'"),
            new Config.Header("X-Frame-Options", "DENY"));

    private ConsolePage() { }

    /** Loads the page now, so a build without it fails the deployment rather than the first GET. */
    public static boolean inBuild() {
        return PARTS.length == 3;
    }

    /**
     * The page for a request: {@code ws://} or {@code wss://}, the Host header (already checked for hostile
     * bytes by the front door), the request URI as sent (path and query, percent-encoding kept) and the
     * context path ("" standalone) the client library is served under.
     */
    public static byte[] render(boolean secure, String host, String requestUri, String contextPath) {
        byte[] url = Html.escape((secure ? "wss://" : "ws://") + host + requestUri).getBytes(StandardCharsets.UTF_8);
        byte[] library = Html.escape(contextPath + ClientLibrary.PATH).getBytes(StandardCharsets.UTF_8);
        byte[] page = new byte[PARTS[0].length + url.length + PARTS[1].length + library.length + PARTS[2].length];
        int at = 0;
        for (byte[] piece : new byte[][] {PARTS[0], url, PARTS[1], library, PARTS[2]}) {
            System.arraycopy(piece, 0, page, at, piece.length);
            at += piece.length;
        }
        return page;
    }

    private static byte[][] split(byte[] page) {
        String text = new String(page, StandardCharsets.UTF_8);
        int url = only(text, URL_SLOT);
        int library = only(text, LIBRARY_SLOT);
        if (library < url) {
            throw new IllegalStateException(RESOURCE + " must hold " + URL_SLOT + " before " + LIBRARY_SLOT);
        }
        return new byte[][] {text.substring(0, url).getBytes(StandardCharsets.UTF_8),
            text.substring(url + URL_SLOT.length(), library).getBytes(StandardCharsets.UTF_8),
            text.substring(library + LIBRARY_SLOT.length()).getBytes(StandardCharsets.UTF_8)};
    }

    private static int only(String text, String slot) {
        int at = text.indexOf(slot);
        if (at < 0 || text.indexOf(slot, at + 1) >= 0) {
            throw new IllegalStateException(RESOURCE + " must hold exactly one " + slot);
        }
        return at;
    }
}
