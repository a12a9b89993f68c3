package io.procsocket.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * --config=FILE: the file's settings are flags by another spelling (every flag has its key), read into the same
 * {@link CommandLine.Words} and built by the same {@link CommandLine#build}, so a setting means in the file what
 * its flag means on the command line. The top level sets the server and the defaults of every route; each route
 * adds its own; flags on the command line override both. Every mistake is one line naming the file, the line and
 * the key, before any port opens. Relative paths in the file are relative to the file.
 */
final class RoutesFile {
    /** Settings of the whole server: refused inside a route. */
    static final Set<String> SERVER_ONLY = Set.of("port", "address", "ssl", "sslcert", "sslkey", "sslca", "redirport",
            "unixsocket", "loglevel", "headertimeoutms", "messagetimeoutms", "devconsole", "staticdir", "cgidir",
            "echoendpoint", "shared-bus", "config", "help", "version", "license", "logformat", "metrics");
    /** Settings that name files: resolved against the file's folder, not the server's working directory. */
    private static final Set<String> PATHS = Set.of("dir", "staticdir", "cgidir", "sslcert", "sslkey", "sslca",
            "unixsocket", "basicauth", "bearer", "jwt-jwks");

    private RoutesFile() { }

    static Config load(Path file, CommandLine.Words cli, Config.Source source) throws UsageException {
        ConfigFile.Document doc = ConfigFile.read(file);
        Path base = file.toAbsolutePath().getParent();
        CommandLine.Words top = words(doc, doc.settings(), false, source, base);
        CommandLine.Words server = top.overriddenBy(cli);
        if (!doc.routes().isEmpty() && (!server.rest().isEmpty() || server.values().containsKey("dir"))) {
            throw new UsageException(file + ": routes and a command (or dir) for the whole server cannot both be "
                    + "given: give each route its own");
        }
        CommandLine.Words cliFlags = new CommandLine.Words(cli.values(), cli.lists(), List.of());
        List<Config.RouteSpec> routes = new ArrayList<>();
        for (ConfigFile.RouteEntry r : doc.routes()) {
            routes.add(route(doc, r, top, cliFlags, source, base));
        }
        reachable(doc, routes);
        try {
            return CommandLine.build(server, source.environment(), source.workingDir(), routes, source);
        } catch (UsageException e) {
            throw located(doc, doc.settings(), e, file.toString());
        }
    }

    private static Config.RouteSpec route(ConfigFile.Document doc, ConfigFile.RouteEntry r, CommandLine.Words top,
                                          CommandLine.Words cli, Config.Source source, Path base) throws UsageException {
        String where = doc.file() + ":" + r.line();
        ConfigFile.Setting path = r.get("path");
        if (path == null || path.list()) {
            throw new UsageException(where + ": path: every route needs one path (\"/tools/count\", or \"/logs/\" "
                    + "for everything below it)");
        }
        String p = path.values().get(0);
        String problem = pathProblem(p);
        if (problem != null) {
            throw new UsageException(doc.file() + ":" + path.line() + ": path: " + problem);
        }
        List<ConfigFile.Setting> own = new ArrayList<>(r.settings());
        own.remove(path);
        // Every key checked first: a misspelt "comand" is that mistake, not a route without a command.
        CommandLine.Words mine = words(doc, own, true, source, base);
        boolean command = r.get("command") != null;
        boolean dir = r.get("dir") != null;
        if (command == dir) {
            throw new UsageException(where + ": route " + p + ": give it a command or a dir (one of the two)");
        }
        if (dir && !p.endsWith("/")) {
            throw new UsageException(doc.file() + ":" + path.line() + ": path: a dir route serves the scripts below "
                    + "it, so its path ends with '/': " + p + "/");
        }
        CommandLine.Words merged = top.overriddenBy(mine).overriddenBy(cli);
        merged = new CommandLine.Words(merged.values(), merged.lists(), mine.rest());
        try {
            return new Config.RouteSpec(p, r.line(),
                    CommandLine.build(merged, source.environment(), source.workingDir(), List.of(), null));
        } catch (UsageException e) {
            throw located(doc, own, e, where + " (route " + p + ")");
        }
    }

    /** A route path: absolute, clean, and not one of the server's own. */
    static String pathProblem(String p) {
        if (!p.startsWith("/")) {
            return "must start with '/': " + p;
        }
        for (String segment : p.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return "must not contain . or .. segments: " + p;
            }
            if (segment.equals(".procsocket")) {
                return "paths under /.procsocket/ are the server's own: " + p;
            }
        }
        if (p.contains("//")) {
            return "must not contain an empty segment: " + p;
        }
        return null;
    }

    /** A route that an earlier one takes every request of would never run: that is a mistake in the file. */
    private static void reachable(ConfigFile.Document doc, List<Config.RouteSpec> routes) throws UsageException {
        for (int j = 0; j < routes.size(); j++) {
            Config.RouteSpec later = routes.get(j);
            for (int i = 0; i < j; i++) {
                Config.RouteSpec earlier = routes.get(i);
                boolean covered = earlier.prefix() ? later.path().startsWith(earlier.path())
                        : !later.prefix() && later.path().equals(earlier.path());
                if (covered) {
                    throw new UsageException(doc.file() + ":" + later.line() + ": route " + later.path()
                            + " can never match: the route at line " + earlier.line() + " (" + earlier.path()
                            + ") takes all its requests");
                }
            }
        }
    }

    /** Settings as flag words: each key checked to be a flag (or a route's path/command) of the right shape. */
    private static CommandLine.Words words(ConfigFile.Document doc, List<ConfigFile.Setting> settings, boolean inRoute,
                                           Config.Source source, Path base) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, List<String>> lists = new LinkedHashMap<>();
        List<String> rest = List.of();
        for (ConfigFile.Setting s : settings) {
            String at = doc.file() + ":" + s.line() + ": " + s.key() + ": ";
            if (s.key().equals("command")) {
                List<String> words = s.list() ? s.values() : CommandLine.split(s.values().get(0));
                if (words.isEmpty()) {
                    throw new UsageException(at + "is empty");
                }
                rest = resolveProgram(words, base);
                continue;
            }
            if (s.key().equals("path")) {
                throw new UsageException(at + "only a route has a path (under routes:)");
            }
            CommandLine.Kind kind = CommandLine.FLAGS.get(s.key());
            if (kind == null) {
                throw new UsageException(at + "unknown key (keys are the flags' names, see --help)");
            }
            if (source.refused().contains(s.key())) {
                throw new UsageException(at + "--" + s.key() + " " + source.why());
            }
            if (inRoute && SERVER_ONLY.contains(s.key())) {
                throw new UsageException(at + "a setting of the whole server, not of one route (put it at the top)");
            }
            if (kind == CommandLine.Kind.LIST) {
                lists.put(s.key(), List.copyOf(s.values()));
                continue;
            }
            if (s.list() && !s.key().equals("passenv")) {
                throw new UsageException(at + "must be one value, not a list");
            }
            String value = String.join(",", s.values());
            if (kind == CommandLine.Kind.OPTIONAL) {
                // "metrics: true" is the bare flag, "metrics: false" none at all, anything else its value.
                if (value.equals("false")) {
                    continue;
                }
                values.put(s.key(), value.equals("true") ? "" : value);
                continue;
            }
            if (kind == CommandLine.Kind.BOOL) {
                try {
                    value = String.valueOf(Validators.bool(s.key(), value));
                } catch (UsageException e) {
                    throw new UsageException(at + e.getMessage());
                }
            }
            if (PATHS.contains(s.key()) || s.key().equals("authorize")) {
                value = s.key().equals("authorize") ? String.join(" ", quoteAll(resolveProgram(CommandLine.split(value),
                        base))) : base.resolve(value).toString();
            }
            values.put(s.key(), value);
        }
        return new CommandLine.Words(values, lists, rest);
    }

    /** A program named by a path ("./count.sh", "bin/tool") is the file's; a bare name is looked up on PATH. */
    private static List<String> resolveProgram(List<String> words, Path base) {
        List<String> out = new ArrayList<>(words);
        String program = out.get(0);
        if (program.contains("/") && !Path.of(program).isAbsolute()) {
            out.set(0, base.resolve(program).normalize().toString());
        }
        return out;
    }

    /** Words joined back into one --authorize value that {@link CommandLine#split} splits the same way. */
    private static List<String> quoteAll(List<String> words) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            out.add("'" + w.replace("'", "'\\''") + "'");
        }
        return out;
    }

    /** A build failure as FILE:LINE: key: message, when the message names one of these settings' flags. */
    private static UsageException located(ConfigFile.Document doc, List<ConfigFile.Setting> settings, UsageException e,
                                          String fallback) {
        String message = e.getMessage();
        ConfigFile.Setting best = null;
        for (ConfigFile.Setting s : settings) {
            String flag = "--" + s.key();
            int at = message.indexOf(flag);
            boolean whole = at >= 0 && (at + flag.length() == message.length()
                    || !Character.isLetterOrDigit(message.charAt(at + flag.length()))
                    && message.charAt(at + flag.length()) != '-');
            if (whole && (best == null || s.key().length() > best.key().length())) {
                best = s;
            }
        }
        if (best != null) {
            return new UsageException(doc.file() + ":" + best.line() + ": " + best.key() + ": " + message);
        }
        return new UsageException(fallback + ": " + message);
    }
}
