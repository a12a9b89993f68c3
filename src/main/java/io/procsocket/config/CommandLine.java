package io.procsocket.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place flags become a {@link Config}. websocketd's syntax: {@code [flags] COMMAND [ARGS...]};
 * one or two dashes; {@code --name=value} or {@code --name value}; flags stop at the first
 * non-flag word or at {@code --}.
 */
public final class CommandLine {

    /** What the command line asks for. */
    public enum Action { RUN, HELP, VERSION, LICENSE }

    /** The outcome of parsing: an action, and for {@link Action#RUN} the config. */
    public record Parsed(Action action, Config config) { }

    private enum Kind { BOOL, VALUE, LIST }

    private static final Map<String, Kind> FLAGS = new LinkedHashMap<>();
    static {
        for (String f : List.of("binary", "sameorigin", "ssl", "passstderr", "reverselookup", "devconsole",
                "help", "version", "license")) {
            FLAGS.put(f, Kind.BOOL);
        }
        for (String f : List.of("port", "passenv", "closems", "maxforks", "maxframesize", "loglevel", "origin",
                "sslcert", "sslkey", "sslca", "redirport", "dir", "staticdir", "cgidir", "pingms", "unixsocket")) {
            FLAGS.put(f, Kind.VALUE);
        }
        for (String f : List.of("address", "header", "header-ws", "header-http")) {
            FLAGS.put(f, Kind.LIST);
        }
    }

    /** websocketd flags that are recognised but not implemented in this release. */
    private static final Set<String> NOT_YET = Set.of("sameorigin", "origin", "ssl", "sslcert", "sslkey", "sslca",
            "redirport", "passstderr", "reverselookup", "dir", "staticdir", "cgidir", "pingms", "header",
            "header-ws", "header-http", "unixsocket");

    /** Flags a servlet container owns; refused when the WAR is deployed. */
    public static final Set<String> CONTAINER_OWNED = Set.of("port", "address", "ssl", "sslcert", "sslkey", "sslca",
            "redirport", "unixsocket");

    private CommandLine() { }

    /**
     * @param args        the words after the program name
     * @param environment the server's own environment (for --passenv and PATH lookup)
     * @param workingDir  where relative commands are resolved
     */
    public static Parsed parse(List<String> args, Map<String, String> environment, Path workingDir)
            throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, List<String>> lists = new LinkedHashMap<>();
        int i = 0;
        while (i < args.size()) {
            String word = args.get(i);
            if (word.equals("--")) {
                i++;
                break;
            }
            if (!word.startsWith("-") || word.equals("-")) {
                break;
            }
            String body = word.startsWith("--") ? word.substring(2) : word.substring(1);
            String name = body;
            String value = null;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            }
            Kind kind = FLAGS.get(name);
            if (kind == null) {
                throw new UsageException("unknown flag: " + word + " (see --help)");
            }
            if (kind == Kind.BOOL) {
                values.put(name, value == null ? "true" : String.valueOf(Validators.bool(name, value)));
                i++;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("flag needs a value: --" + name);
                }
                value = args.get(i + 1);
                i += 2;
            } else {
                i++;
            }
            if (kind == Kind.LIST) {
                lists.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                values.put(name, value);
            }
        }
        List<String> rest = args.subList(i, args.size());

        if (isTrue(values, "help")) {
            return new Parsed(Action.HELP, null);
        }
        if (isTrue(values, "version")) {
            return new Parsed(Action.VERSION, null);
        }
        if (isTrue(values, "license")) {
            return new Parsed(Action.LICENSE, null);
        }
        for (String name : values.keySet()) {
            refuseNotYet(name, values.get(name));
        }
        for (String name : lists.keySet()) {
            refuseNotYet(name, "");
        }

        int port = values.containsKey("port") ? Validators.port("port", values.get("port")) : Config.DEFAULT_PORT;
        List<String> addresses = new ArrayList<>();
        for (String a : lists.getOrDefault("address", List.of())) {
            addresses.add(Validators.address(a));
        }
        List<String> passNames = values.containsKey("passenv")
                ? Validators.envNames(values.get("passenv")) : Config.DEFAULT_PASSENV;
        List<Config.EnvVar> passEnv = new ArrayList<>();
        for (String name : passNames) {
            String v = environment.get(name);
            if (v != null) {
                passEnv.add(new Config.EnvVar(name, v));
            }
        }
        long closeMs = values.containsKey("closems") ? Validators.nonNegativeInt("closems", values.get("closems")) : 0;
        int maxForks = values.containsKey("maxforks")
                ? Validators.nonNegativeInt("maxforks", values.get("maxforks")) : Config.DEFAULT_MAX_FORKS;
        int maxFrame = values.containsKey("maxframesize")
                ? Validators.nonNegativeInt("maxframesize", values.get("maxframesize")) : Config.DEFAULT_MAX_FRAME_SIZE;
        LogLevel level = values.containsKey("loglevel") ? Validators.logLevel(values.get("loglevel")) : LogLevel.ACCESS;

        if (rest.isEmpty()) {
            throw new UsageException("no command given: procsocket [flags] COMMAND [ARGS...] (see --help)");
        }
        List<String> command = new ArrayList<>();
        command.add(CommandResolver.resolve(rest.get(0), environment.get("PATH"), workingDir).toString());
        command.addAll(rest.subList(1, rest.size()));

        return new Parsed(Action.RUN, new Config(port, addresses, command, null, isTrue(values, "binary"),
                passEnv, closeMs, maxForks, maxFrame, level, isTrue(values, "devconsole")));
    }

    /** Splits one configuration string (context parameter, system property, env var) into words, honouring quotes. */
    public static List<String> split(String line) throws UsageException {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new UsageException("unclosed " + quote + " quote in: " + line);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static void refuseNotYet(String name, String value) throws UsageException {
        if (NOT_YET.contains(name) && !"false".equals(value)) {
            throw new UsageException("--" + name + " is not supported yet by this version of procsocket");
        }
    }

    private static boolean isTrue(Map<String, String> values, String name) {
        return "true".equals(values.get(name));
    }
}
