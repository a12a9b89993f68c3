package io.procsocket.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a decoded request path onto a served folder without ever leaving it. Two independent guards:
 * the path's segments may not contain {@code .} or {@code ..} (after percent-decoding, so {@code %2e%2e}
 * and {@code %2f} are caught too), and every file is compared by its real path (symlinks resolved)
 * against the folder's real path, so a symlink pointing outside is refused as well.
 */
public final class ContainedPaths {
    private ContainedPaths() { }

    /** The non-empty segments of a decoded path, or null if it tries to climb or is not a usable name. */
    public static List<String> segments(String decodedPath) {
        List<String> out = new ArrayList<>();
        for (String s : decodedPath.split("/", -1)) {
            if (s.isEmpty()) {
                continue;
            }
            if (s.equals(".") || s.equals("..") || s.indexOf('\0') >= 0 || s.indexOf('\\') >= 0) {
                return null;
            }
            out.add(s);
        }
        return out;
    }

    /** The real path of {@code candidate} if it exists and lies inside {@code realRoot}; otherwise null. */
    public static Path realInside(Path realRoot, Path candidate) {
        try {
            Path real = candidate.toRealPath();
            return real.startsWith(realRoot) ? real : null;
        } catch (IOException | InvalidPathException | SecurityException e) {
            return null;
        }
    }

    /** Whether something exists at the path (following links), without throwing on odd names. */
    static boolean exists(Path p) {
        try {
            return Files.exists(p);
        } catch (InvalidPathException | SecurityException e) {
            return false;
        }
    }
}
