package io.procsocket.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The dev console, one self-contained HTML file (src/main/webapp/console.html). It works out the
 * WebSocket URL from its own location in the browser, so nothing from the request is ever pasted
 * into the page: no escaping to get wrong, no script injection through the path.
 */
public final class ConsolePage {
    public static final String RESOURCE = "/io/procsocket/webroot/console.html";
    private static final byte[] BYTES = load();

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
