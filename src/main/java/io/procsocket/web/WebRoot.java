package io.procsocket.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The pages and scripts the server itself serves (src/main/webapp, also on the classpath under /io/procsocket/webroot). */
final class WebRoot {
    private WebRoot() { }

    /** A file's bytes; a build without it fails at load (the deployment, or start-up), not at the first request. */
    static byte[] load(String resource) {
        try (InputStream in = WebRoot.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
