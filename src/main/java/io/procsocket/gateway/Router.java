package io.procsocket.gateway;

import io.procsocket.config.Config;

/**
 * Which program a WebSocket path runs. Single-command mode: every path runs the command
 * (SCRIPT_NAME=/, PATH_INFO=the path). --dir mode: the executable at that path, see {@link ScriptLocator}.
 */
public final class Router {
    private final Config config;

    public Router(Config config) {
        this.config = config;
    }

    /** The route for a decoded path, or why there is none. */
    public ScriptLocator.Lookup route(String path) {
        if (config.usingScriptDir()) {
            return ScriptLocator.locate(config.scriptDir(), path);
        }
        if (config.command().isEmpty()) {
            // Only --staticdir/--cgidir are served: no WebSocket runs anything.
            return ScriptLocator.Lookup.refused(Refusal.NOT_FOUND);
        }
        return ScriptLocator.Lookup.of(new Route(config.command(), "/", path, "", config.commandName()));
    }
}
