package io.procsocket.gateway;

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
 */
public record Route(List<String> command, String scriptName, String pathInfo, String pathTranslated, String label) {
    public Route {
        command = List.copyOf(command);
    }

    /** A route whose log name is its program's path. */
    public Route(List<String> command, String scriptName, String pathInfo, String pathTranslated) {
        this(command, scriptName, pathInfo, pathTranslated, command.get(0));
    }

    public String program() {
        return command.get(0);
    }
}
