package io.procsocket.gateway;

import io.procsocket.config.Config;
import java.util.List;

/**
 * Which program a request runs and how the CGI variables describe it.
 *
 * @param command        absolute program path followed by its arguments
 * @param scriptName     SCRIPT_NAME ("/" in single-command mode)
 * @param pathInfo       PATH_INFO
 * @param pathTranslated PATH_TRANSLATED (the script file in --dir mode, else "")
 * @param label          the program as the log names it (command:'...'): websocketd's command name in
 *                       single-command mode, the script's path in --dir mode
 * @param config         the settings its connections run with: a routes file's route's own, else the server's;
 *                       null only for a route not made by the {@link Router} (tests)
 */
public record Route(List<String> command, String scriptName, String pathInfo, String pathTranslated, String label,
                    Config config) {
    public Route {
        command = List.copyOf(command);
    }

    public Route(List<String> command, String scriptName, String pathInfo, String pathTranslated, String label) {
        this(command, scriptName, pathInfo, pathTranslated, label, null);
    }

    /** A route whose log name is its program's path. */
    public Route(List<String> command, String scriptName, String pathInfo, String pathTranslated) {
        this(command, scriptName, pathInfo, pathTranslated, command.get(0));
    }

    /** The same route, run with {@code settings}. */
    public Route with(Config settings) {
        return new Route(command, scriptName, pathInfo, pathTranslated, label, settings);
    }

    public String program() {
        return command.get(0);
    }
}
