package io.procsocket.gateway;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * websocketd's script lookup for --dir and --cgidir: walk the path a segment at a time; the first
 * segment that is a file is the script (SCRIPT_NAME), the rest is PATH_INFO. Folders, {@code /} and
 * missing files are 404; anything that would leave the folder is 404 too (nothing is served there).
 * A file that is not executable is 403: it exists but may not be run, and saying so before the
 * upgrade is better than websocketd, which upgrades and then drops the connection. A script reached through
 * a symlink inside the folder runs under the link's path.
 */
public final class ScriptLocator {
    /** A lookup's outcome: a route, or a refusal. */
    public record Lookup(Route route, Refusal refusal) {
        public static Lookup of(Route route) {
            return new Lookup(route, null);
        }

        public static Lookup refused(Refusal refusal) {
            return new Lookup(null, refusal);
        }
    }

    private ScriptLocator() { }

    /** @param realRoot the served folder's real path */
    public static Lookup locate(Path realRoot, String decodedPath) {
        List<String> segments = ContainedPaths.segments(decodedPath);
        if (segments == null) {
            return Lookup.refused(Refusal.NOT_FOUND);
        }
        Path current = realRoot;
        for (int i = 0; i < segments.size(); i++) {
            try {
                current = current.resolve(segments.get(i));
            } catch (InvalidPathException e) {
                return Lookup.refused(Refusal.NOT_FOUND);
            }
            Path real = ContainedPaths.realInside(realRoot, current);
            if (real == null) {
                return Lookup.refused(Refusal.NOT_FOUND);
            }
            if (Files.isDirectory(real)) {
                continue;
            }
            if (!Files.isRegularFile(real)) {
                return Lookup.refused(Refusal.NOT_FOUND);
            }
            if (!Files.isExecutable(real)) {
                return Lookup.refused(Refusal.NOT_EXECUTABLE);
            }
            String scriptName = "/" + String.join("/", segments.subList(0, i + 1));
            String pathInfo = "";
            if (i + 1 < segments.size()) {
                pathInfo = "/" + String.join("/", segments.subList(i + 1, segments.size()))
                        + (decodedPath.endsWith("/") ? "/" : "");
            }
            // The path as the request named it, links and all, is the program's argv[0] and PATH_TRANSLATED, as
            // websocketd runs it (scripts reached through a link dispatch on $0); containment was decided on
            // the real path above.
            return Lookup.of(new Route(List.of(current.toString()), scriptName, pathInfo, current.toString()));
        }
        return Lookup.refused(Refusal.NOT_FOUND);
    }
}
