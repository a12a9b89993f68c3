package io.procsocket.gateway;

import io.procsocket.config.Config;

/**
 * Which program a WebSocket path runs. Single-command mode: every path runs the command
 * (SCRIPT_NAME=/, PATH_INFO=the path). --dir mode: the executable at that path, see {@link ScriptLocator}. With a
 * routes file (--config): the first route whose path matches, exactly or (a path ending in '/') as a prefix; its
 * command (SCRIPT_NAME=the route's path, PATH_INFO=the rest) or its dir's script below the prefix. Every route it
 * gives carries the settings it runs with.
 */
public final class Router {
    private final Config config;

    public Router(Config config) {
        this.config = config;
    }

    /** The route for a decoded path, or why there is none. */
    public ScriptLocator.Lookup route(String path) {
        if (!config.routes().isEmpty()) {
            return fromFile(path);
        }
        if (config.usingScriptDir()) {
            return with(ScriptLocator.locate(config.scriptDir(), path), "", config);
        }
        if (config.command().isEmpty()) {
            // Only --staticdir/--cgidir are served: no WebSocket runs anything.
            return ScriptLocator.Lookup.refused(Refusal.NOT_FOUND);
        }
        return ScriptLocator.Lookup.of(new Route(config.command(), "/", path, "", config.commandName(), config));
    }

    private ScriptLocator.Lookup fromFile(String path) {
        for (Config.RouteSpec spec : config.routes()) {
            if (!spec.matches(path)) {
                continue;
            }
            Config rc = spec.config();
            String mount = spec.prefix() ? spec.path().substring(0, spec.path().length() - 1) : spec.path();
            String below = path.length() > mount.length() ? path.substring(mount.length()) : "";
            if (rc.usingScriptDir()) {
                return with(ScriptLocator.locate(rc.scriptDir(), below.isEmpty() ? "/" : below), mount, rc);
            }
            return ScriptLocator.Lookup.of(new Route(rc.command(), mount.isEmpty() ? "/" : mount, below, "",
                    rc.commandName(), rc));
        }
        return ScriptLocator.Lookup.refused(Refusal.NOT_FOUND);
    }

    /** A --dir lookup mounted at {@code mount}, run with {@code settings}. */
    private static ScriptLocator.Lookup with(ScriptLocator.Lookup lookup, String mount, Config settings) {
        Route r = lookup.route();
        if (r == null) {
            return lookup;
        }
        return ScriptLocator.Lookup.of(new Route(r.command(), mount + r.scriptName(), r.pathInfo(), r.pathTranslated(),
                r.label(), settings));
    }
}
