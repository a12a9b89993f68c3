package io.procsocket.gateway;

import io.procsocket.config.Config;

/** Which program a path runs. Single-command mode: every path runs the command. */
public final class Router {
    private final Config config;

    public Router(Config config) {
        this.config = config;
    }

    /** The route for a decoded path, or null when nothing is served there. */
    public Route route(String path) {
        return new Route(config.command(), "/", path, "");
    }
}
