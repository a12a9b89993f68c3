package io.procsocket.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes small executable scripts for tests. */
public final class TesterScripts {
    private TesterScripts() { }

    /** A /bin/sh script named {@code name} in {@code dir} with {@code body}; returns its path. */
    public static Path sh(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
