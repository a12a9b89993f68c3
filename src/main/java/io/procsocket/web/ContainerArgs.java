package io.procsocket.web;

import io.procsocket.config.CommandLine;
import io.procsocket.config.Config;
import io.procsocket.config.LogFormat;
import io.procsocket.config.UsageException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The command-line flags of a deployed WAR, as one string. Looked up in a fixed order so an operator
 * can always tell which one won: the servlet context parameter (web.xml, a Tomcat context file, Payara's
 * context params: no rebuild needed), then the system property, then the environment variable.
 */
public final class ContainerArgs {
    public static final String CONTEXT_PARAM = "procsocket.args";
    public static final String SYSTEM_PROPERTY = "procsocket.args";
    public static final String ENVIRONMENT_VARIABLE = "PROCSOCKET_ARGS";
    /** A routes file (--config), looked up in the same order. */
    public static final String CONFIG_CONTEXT_PARAM = "procsocket.config";
    public static final String CONFIG_SYSTEM_PROPERTY = "procsocket.config";
    public static final String CONFIG_ENVIRONMENT_VARIABLE = "PROCSOCKET_CONFIG";

    /** Where the flags came from (for the log line) and the flags themselves. */
    public record Source(String name, String value) { }

    private ContainerArgs() { }

    /**
     * The flags, with the routes file (if one is named) as --config after them; null when the WAR was deployed with
     * neither.
     */
    public static Source find(String contextParam, String systemProperty, String environmentVariable,
                              String configParam, String configProperty, String configVariable) {
        Source args = find(contextParam, systemProperty, environmentVariable);
        Source file = first(CONFIG_CONTEXT_PARAM, configParam, CONFIG_SYSTEM_PROPERTY, configProperty,
                CONFIG_ENVIRONMENT_VARIABLE, configVariable);
        if (file == null) {
            return args;
        }
        // Quoted: the path may hold spaces; the flags string is split as a shell would.
        String config = "'--config=" + file.value().trim().replace("'", "'\\''") + "'";
        return args == null ? new Source(file.name(), config)
                : new Source(args.name() + " and " + file.name(), config + " " + args.value());
    }

    /** The first non-blank configuration string, or null when the WAR was deployed without one. */
    public static Source find(String contextParam, String systemProperty, String environmentVariable) {
        return first(CONTEXT_PARAM, contextParam, SYSTEM_PROPERTY, systemProperty, ENVIRONMENT_VARIABLE,
                environmentVariable);
    }

    /** The first non-blank of a context parameter, a system property and an environment variable, by name. */
    private static Source first(String paramName, String param, String propertyName, String property,
                                String variableName, String variable) {
        if (!isBlank(param)) {
            return new Source("context parameter " + paramName, param);
        }
        if (!isBlank(property)) {
            return new Source("system property " + propertyName, property);
        }
        if (!isBlank(variable)) {
            return new Source("environment variable " + variableName, variable);
        }
        return null;
    }

    /**
     * The config for a container. Flags that the container owns (ports, addresses, TLS) are refused
     * rather than ignored: a user who wrote --port=9000 must not believe it took effect.
     */
    public static Config parse(String line, Map<String, String> environment, Path workingDir) throws UsageException {
        CommandLine.Parsed parsed = CommandLine.parse(CommandLine.split(line), environment, workingDir,
                CommandLine.CONTAINER_OWNED,
                "belongs to the servlet container (configure its connectors, TLS or security realm instead) and is refused inside a deployed WAR");
        if (parsed.action() != CommandLine.Action.RUN) {
            throw new UsageException("--" + parsed.action().name().toLowerCase(java.util.Locale.ROOT)
                    + " has no meaning inside a servlet container; give flags and a COMMAND");
        }
        if (parsed.config().logFormat() != LogFormat.TEXT) {
            throw new UsageException("--logformat=" + parsed.config().logFormat().label() + " has no effect inside a "
                    + "servlet container: its own log handlers format every line (configure them instead)");
        }
        if (parsed.config().metrics().ownListener()) {
            throw new UsageException("--metrics=ADDR:PORT opens a listener, which the servlet container owns; give --metrics "
                    + "alone: the metrics are served under the context path at /.procsocket/metrics and over JMX");
        }
        return parsed.config();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
