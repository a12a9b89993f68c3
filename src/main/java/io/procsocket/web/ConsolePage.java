package io.procsocket.web;

import io.procsocket.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The dev console, one self-contained HTML file (src/main/webapp/console.html). It works out the
 * WebSocket URL from its own location in the browser, so nothing from the request is ever pasted
 * into the page: no escaping to get wrong, no script injection through the path.
 */
public final class ConsolePage {
    public static final String RESOURCE = "/io/procsocket/webroot/console.html";
    private static final byte[] BYTES = load();
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

    public static byte[] bytes() {
        return BYTES.clone();
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
