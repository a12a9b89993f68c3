package io.procsocket.web;

import io.procsocket.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The dev console, one self-contained HTML file (src/main/webapp/console.html). As websocketd's, the page
 * arrives with the WebSocket URL it was opened at already in its URL field; that URL comes from the request,
 * so it is HTML-escaped into an attribute value and nowhere else (the page's script works it out again from
 * its own location, and never writes it into HTML).
 */
public final class ConsolePage {
    public static final String RESOURCE = "/io/procsocket/webroot/console.html";
    private static final String URL_SLOT = "{{procsocket.url}}";
    /** The page around the URL slot, split once. */
    private static final byte[][] PARTS = split(load());
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
        return PARTS.length == 2;
    }

    /**
     * The page for a request: {@code ws://} or {@code wss://}, the Host header (already checked for hostile
     * bytes by the front door) and the request URI as sent (path and query, percent-encoding kept).
     */
    public static byte[] render(boolean secure, String host, String requestUri) {
        byte[] url = Html.escape((secure ? "wss://" : "ws://") + host + requestUri).getBytes(StandardCharsets.UTF_8);
        byte[] page = new byte[PARTS[0].length + url.length + PARTS[1].length];
        System.arraycopy(PARTS[0], 0, page, 0, PARTS[0].length);
        System.arraycopy(url, 0, page, PARTS[0].length, url.length);
        System.arraycopy(PARTS[1], 0, page, PARTS[0].length + url.length, PARTS[1].length);
        return page;
    }

    private static byte[][] split(byte[] page) {
        String text = new String(page, StandardCharsets.UTF_8);
        int at = text.indexOf(URL_SLOT);
        if (at < 0 || text.indexOf(URL_SLOT, at + 1) >= 0) {
            throw new IllegalStateException(RESOURCE + " must hold exactly one " + URL_SLOT);
        }
        return new byte[][] {text.substring(0, at).getBytes(StandardCharsets.UTF_8),
            text.substring(at + URL_SLOT.length()).getBytes(StandardCharsets.UTF_8)};
    }

    private static byte[] load() {
        try (InputStream in = ConsolePage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
