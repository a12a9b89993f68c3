package io.procsocket.gateway;

import java.util.List;

/**
 * Which program a request runs and how the CGI variables describe it.
 *
 * @param command        absolute program path followed by its arguments
 * @param scriptName     SCRIPT_NAME ("/" in single-command mode)
 * @param pathInfo       PATH_INFO
 * @param pathTranslated PATH_TRANSLATED (the script file in --dir mode, else "")
 */
public record Route(List<String> command, String scriptName, String pathInfo, String pathTranslated) {
    public Route {
        command = List.copyOf(command);
    }

    public String program() {
        return command.get(0);
    }
}
