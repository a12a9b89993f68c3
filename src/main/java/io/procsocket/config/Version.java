package io.procsocket.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The release number, filled in by the build. */
public final class Version {
    public static final String NUMBER = load();
    public static final String SERVER_SOFTWARE = "procsocket/" + NUMBER;

    private Version() { }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/io/procsocket/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
