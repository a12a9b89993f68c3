package io.procsocket.config;

import java.io.IOException;
import java.nio.file.Files;
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

    /** OPTIONAL: bare, or with {@code =value} (never the next word, which may be the COMMAND). */
    enum Kind { BOOL, VALUE, LIST, OPTIONAL }

    static final Map<String, Kind> FLAGS = new LinkedHashMap<>();
    static {
        for (String f : List.of("binary", "sameorigin", "ssl", "passstderr", "reverselookup", "devconsole",
                "echoendpoint", "shared", "shared-always", "help", "version", "license")) {
            FLAGS.put(f, Kind.BOOL);
        }
        for (String f : List.of("port", "passenv", "closems", "maxforks", "maxframesize", "loglevel", "origin",
                "sslcert", "sslkey", "sslca", "redirport", "dir", "staticdir", "cgidir", "pingms", "unixsocket",
                "headertimeoutms", "messagetimeoutms", "shared-input", "shared-linger", "shared-replay", "shared-queue",
                "maxclients", "shared-bus", "protocol", "resume", "resume-buffer", "basicauth", "realm", "bearer",
                "bearer-cookie", "jwt-jwks", "jwt-issuer", "jwt-audience", "authorize", "config", "logformat")) {
            FLAGS.put(f, Kind.VALUE);
        }
        for (String f : List.of("address", "header", "header-ws", "header-http", "env")) {
            FLAGS.put(f, Kind.LIST);
        }
        FLAGS.put("metrics", Kind.OPTIONAL);
    }

    /** Flags a servlet container owns; refused when the WAR is deployed. */
    public static final Set<String> CONTAINER_OWNED = Set.of("port", "address", "ssl", "sslcert", "sslkey", "sslca",
            "redirport", "unixsocket", "headertimeoutms", "messagetimeoutms", "basicauth", "realm", "bearer",
            "bearer-cookie", "jwt-jwks", "jwt-issuer", "jwt-audience");

    private CommandLine() { }

    /**
     * @param args        the words after the program name
     * @param environment the server's own environment (for --passenv and PATH lookup)
     * @param workingDir  where relative commands are resolved
     */
    public static Parsed parse(List<String> args, Map<String, String> environment, Path workingDir)
            throws UsageException {
        return parse(args, environment, workingDir, Set.of(), "");
    }

    /**
     * As {@link #parse(List, Map, Path)}, refusing the flags in {@code refused} (those a servlet container
     * owns, say) with "--name " + {@code why}, recognised by the same flag reading as every other flag.
     */
    public static Parsed parse(List<String> args, Map<String, String> environment, Path workingDir,
                               Set<String> refused, String why) throws UsageException {
        Words words = read(args, refused, why);
        Map<String, String> values = words.values();
        if (isTrue(values, "help")) {
            return new Parsed(Action.HELP, null);
        }
        if (isTrue(values, "version")) {
            return new Parsed(Action.VERSION, null);
        }
        if (isTrue(values, "license")) {
            return new Parsed(Action.LICENSE, null);
        }
        if (values.containsKey("config")) {
            Path file = readableFile(values, "config", workingDir);
            Config.Source source = new Config.Source(file, List.copyOf(args), Map.copyOf(environment), workingDir,
                    Set.copyOf(refused), why);
            return new Parsed(Action.RUN, RoutesFile.load(file, words, source));
        }
        return new Parsed(Action.RUN, build(words, environment, workingDir, List.of(), null));
    }

    /**
     * Flags as read, before they mean anything: single values (the last one given wins), repeatable ones in order,
     * and the words after the flags (COMMAND and its arguments).
     */
    record Words(Map<String, String> values, Map<String, List<String>> lists, List<String> rest) {
        /** These words, with {@code over}'s values replacing and its repeatable flags replacing (not adding to) ours. */
        Words overriddenBy(Words over) {
            Map<String, String> v = new LinkedHashMap<>(values);
            v.putAll(over.values);
            Map<String, List<String>> l = new LinkedHashMap<>(lists);
            l.putAll(over.lists);
            return new Words(v, l, over.rest.isEmpty() ? rest : over.rest);
        }
    }

    /** Reads flags the way websocketd does, refusing those in {@code refused}. */
    static Words read(List<String> args, Set<String> refused, String why) throws UsageException {
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
                throw new UsageException("unknown flag: " + word + " (see --help)", UsageException.BAD_FLAG);
            }
            if (refused.contains(name)) {
                throw new UsageException("--" + name + " " + why);
            }
            if (kind == Kind.OPTIONAL) {
                values.put(name, value == null ? "" : value);
                i++;
                continue;
            }
            if (kind == Kind.BOOL) {
                values.put(name, value == null ? "true" : String.valueOf(Validators.bool(name, value)));
                i++;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("flag needs a value: --" + name, UsageException.BAD_FLAG);
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
        return new Words(values, lists, List.copyOf(args.subList(i, args.size())));
    }

    /**
     * The config for {@code words}: the server's, or (from a routes file) one route's. {@code routes} are the
     * file's routes (then no COMMAND is needed), {@code source} what to read again on a reload (null without
     * --config).
     */
    static Config build(Words words, Map<String, String> environment, Path workingDir, List<Config.RouteSpec> routes,
                        Config.Source source) throws UsageException {
        Map<String, String> values = words.values();
        Map<String, List<String>> lists = words.lists();
        List<String> rest = words.rest();
        Path unixSocket = values.containsKey("unixsocket")
                ? Validators.unixSocket(values.get("unixsocket"), workingDir) : null;
        // websocketd: --unixsocket alone listens on the socket only; with --port or --address, on both.
        boolean listenTcp = unixSocket == null || values.containsKey("port") || lists.containsKey("address");
        boolean ssl = isTrue(values, "ssl");
        Config.Tls tls = tls(values, ssl, workingDir);
        int port = values.containsKey("port") ? Validators.port("port", values.get("port"))
                : ssl ? Config.DEFAULT_SSL_PORT : Config.DEFAULT_PORT;
        int redirPort = values.containsKey("redirport") ? Validators.port("redirport", values.get("redirport")) : 0;
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
        LogFormat logFormat = values.containsKey("logformat")
                ? Validators.logFormat(values.get("logformat")) : LogFormat.TEXT;
        long pingMs = values.containsKey("pingms") ? Validators.nonNegativeInt("pingms", values.get("pingms")) : 0;
        long headerTimeoutMs = values.containsKey("headertimeoutms")
                ? Validators.nonNegativeInt("headertimeoutms", values.get("headertimeoutms")) : Config.DEFAULT_HEADER_TIMEOUT_MS;
        long messageTimeoutMs = values.containsKey("messagetimeoutms")
                ? Validators.nonNegativeInt("messagetimeoutms", values.get("messagetimeoutms"))
                : Config.DEFAULT_MESSAGE_TIMEOUT_MS;

        boolean binary = isTrue(values, "binary");
        boolean passStderr = isTrue(values, "passstderr");
        if (binary && passStderr) {
            throw new UsageException("--passstderr cannot be used with --binary: stderr is sent as JSON text messages");
        }
        Path scriptDir = directory(values, "dir", workingDir);
        Path staticDir = directory(values, "staticdir", workingDir);
        Path cgiDir = directory(values, "cgidir", workingDir);
        boolean devConsole = isTrue(values, "devconsole");
        if (devConsole && (staticDir != null || cgiDir != null)) {
            throw new UsageException("--devconsole cannot be used with --staticdir or --cgidir");
        }

        List<String> command = new ArrayList<>();
        String commandName = "";
        if (!rest.isEmpty()) {
            if (scriptDir != null) {
                throw new UsageException("ambiguous: both a COMMAND and --dir given; give just one");
            }
            command.add(CommandResolver.resolve(rest.get(0), environment.get("PATH"), workingDir).toString());
            commandName = rest.get(0).contains("/") ? rest.get(0) : command.get(0);
            command.addAll(rest.subList(1, rest.size()));
        } else if (scriptDir == null && staticDir == null && cgiDir == null && routes.isEmpty()) {
            throw new UsageException("no command given: procsocket [flags] COMMAND [ARGS...], or --dir, --staticdir "
                    + "or --cgidir (see --help)");
        }

        Config.OriginPolicy origins = new Config.OriginPolicy(
                values.containsKey("origin") ? Validators.origins(values.get("origin")) : null,
                isTrue(values, "sameorigin"));
        Config.ExtraHeaders headers = new Config.ExtraHeaders(
                headers(lists, "header"), headers(lists, "header-ws"), headers(lists, "header-http"));

        return new Config(port, addresses, command, scriptDir, binary, passEnv, closeMs, maxForks, maxFrame, level,
                devConsole, staticDir, cgiDir, origins, headers, tls, redirPort, pingMs, passStderr,
                isTrue(values, "reverselookup"), isTrue(values, "echoendpoint"), headerTimeoutMs, messageTimeoutMs,
                unixSocket, listenTcp, commandName, shared(values), protocol(values),
                auth(values, environment, workingDir), extraEnv(lists), routes, source, logFormat,
                metrics(values));
    }

    /** --metrics (on the gateway's port) or --metrics=ADDR:PORT (a listener of its own). */
    private static Config.MetricsEndpoint metrics(Map<String, String> values) throws UsageException {
        String v = values.get("metrics");
        return v == null ? Config.MetricsEndpoint.OFF
                : v.isEmpty() ? Config.MetricsEndpoint.ON_GATEWAY : Validators.metricsListener(v);
    }

    /** --shared and the options that only mean something with it (each refused without it). */
    private static Config.Shared shared(Map<String, String> values) throws UsageException {
        boolean enabled = isTrue(values, "shared");
        if (!enabled) {
            for (String f : List.of("shared-input", "shared-linger", "shared-replay", "shared-queue", "maxclients",
                    "shared-bus", "shared-always")) {
                if (values.containsKey(f)) {
                    throw new UsageException("--" + f + " needs --shared");
                }
            }
            return Config.Shared.OFF;
        }
        Config.SharedInput input = values.containsKey("shared-input")
                ? Validators.sharedInput(values.get("shared-input")) : Config.SharedInput.ALL;
        long linger = values.containsKey("shared-linger")
                ? Validators.nonNegativeInt("shared-linger", values.get("shared-linger")) : 0;
        int replay = values.containsKey("shared-replay")
                ? Validators.nonNegativeInt("shared-replay", values.get("shared-replay")) : 0;
        int queue = values.containsKey("shared-queue")
                ? Validators.positiveInt("shared-queue", values.get("shared-queue")) : Config.Shared.DEFAULT_QUEUE_BYTES;
        int maxClients = values.containsKey("maxclients")
                ? Validators.nonNegativeInt("maxclients", values.get("maxclients")) : 0;
        String bus = values.containsKey("shared-bus") ? Validators.redisUrl(values.get("shared-bus")) : null;
        return new Config.Shared(true, input, linger, isTrue(values, "shared-always"), replay, queue, maxClients, bus);
    }

    /** --protocol, --resume and --resume-buffer (which needs --resume); resuming is for a connection's own program. */
    private static Config.Protocol protocol(Map<String, String> values) throws UsageException {
        boolean required = values.containsKey("protocol") && Validators.protocolMode(values.get("protocol"));
        long resumeMs = values.containsKey("resume") ? Validators.positiveInt("resume", values.get("resume")) : 0;
        if (resumeMs == 0 && values.containsKey("resume-buffer")) {
            throw new UsageException("--resume-buffer needs --resume");
        }
        if (resumeMs > 0 && isTrue(values, "shared")) {
            throw new UsageException("--resume cannot be used with --shared: a shared program outlives its clients "
                    + "already (see --shared-linger)");
        }
        int buffer = values.containsKey("resume-buffer")
                ? Validators.positiveInt("resume-buffer", values.get("resume-buffer"))
                : Config.Protocol.DEFAULT_RESUME_BUFFER;
        return new Config.Protocol(required, resumeMs, buffer);
    }

    /** --env NAME=VALUE (the routes file's env: map): set for the program after --passenv's. */
    private static List<Config.EnvVar> extraEnv(Map<String, List<String>> lists) throws UsageException {
        List<Config.EnvVar> out = new ArrayList<>();
        for (String pair : lists.getOrDefault("env", List.of())) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--env must be NAME=VALUE, got " + pair);
            }
            String name = Validators.envNames(pair.substring(0, eq)).get(0);
            out.add(new Config.EnvVar(name, pair.substring(eq + 1)));
        }
        return out;
    }

    /** Identity flags: each file readable, each option only with the scheme it belongs to. */
    private static Config.Auth auth(Map<String, String> values, Map<String, String> environment, Path workingDir)
            throws UsageException {
        Path basic = values.containsKey("basicauth") ? readableFile(values, "basicauth", workingDir) : null;
        if (values.containsKey("realm") && basic == null) {
            throw new UsageException("--realm needs --basicauth");
        }
        String realm = values.containsKey("realm") ? Validators.realm(values.get("realm")) : Config.Auth.DEFAULT_REALM;
        Path bearer = values.containsKey("bearer") ? readableFile(values, "bearer", workingDir) : null;
        Path jwks = values.containsKey("jwt-jwks") ? readableFile(values, "jwt-jwks", workingDir) : null;
        String issuer = values.get("jwt-issuer");
        String audience = values.get("jwt-audience");
        if (jwks == null && (issuer != null || audience != null)) {
            throw new UsageException("--" + (issuer != null ? "jwt-issuer" : "jwt-audience") + " needs --jwt-jwks");
        }
        if (jwks != null && (issuer == null || issuer.isEmpty() || audience == null || audience.isEmpty())) {
            throw new UsageException("--jwt-jwks needs --jwt-issuer and --jwt-audience (the iss and aud a token must have)");
        }
        String cookie = values.get("bearer-cookie");
        if (cookie != null) {
            if (bearer == null && jwks == null) {
                throw new UsageException("--bearer-cookie needs --bearer or --jwt-jwks");
            }
            Validators.cookieName(cookie);
        }
        List<String> authorize = List.of();
        if (values.containsKey("authorize")) {
            List<String> words = split(values.get("authorize"));
            if (words.isEmpty()) {
                throw new UsageException("--authorize needs a command");
            }
            List<String> hook = new ArrayList<>();
            hook.add(CommandResolver.resolve(words.get(0), environment.get("PATH"), workingDir).toString());
            hook.addAll(words.subList(1, words.size()));
            authorize = hook;
        }
        return new Config.Auth(basic, realm, bearer, cookie, jwks, issuer, audience, authorize);
    }

    /** websocketd's rules: --ssl needs both --sslcert and --sslkey; no --ssl* file without --ssl. */
    private static Config.Tls tls(Map<String, String> values, boolean ssl, Path workingDir) throws UsageException {
        if (!ssl) {
            for (String f : List.of("sslcert", "sslkey", "sslca")) {
                if (values.containsKey(f)) {
                    throw new UsageException("--" + f + " needs --ssl");
                }
            }
            return null;
        }
        if (!values.containsKey("sslcert") || !values.containsKey("sslkey")) {
            throw new UsageException("--ssl needs both --sslcert and --sslkey (PEM files)");
        }
        return new Config.Tls(readableFile(values, "sslcert", workingDir), readableFile(values, "sslkey", workingDir),
                values.containsKey("sslca") ? readableFile(values, "sslca", workingDir) : null);
    }

    static Path readableFile(Map<String, String> values, String flag, Path workingDir) throws UsageException {
        Path p = workingDir.resolve(values.get(flag)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new UsageException("--" + flag + ": not a readable file: " + values.get(flag));
        }
        return p;
    }

    /** A served folder, as its real path: containment checks compare real paths against it. */
    private static Path directory(Map<String, String> values, String flag, Path workingDir) throws UsageException {
        String v = values.get(flag);
        if (v == null) {
            return null;
        }
        if (v.isEmpty()) {
            throw new UsageException("--" + flag + " must not be empty");
        }
        Path p = workingDir.resolve(v);
        if (!Files.isDirectory(p)) {
            throw new UsageException("--" + flag + ": not a directory: " + v);
        }
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new UsageException("--" + flag + ": cannot read " + v + ": " + e.getMessage());
        }
    }

    private static List<Config.Header> headers(Map<String, List<String>> lists, String flag) throws UsageException {
        List<Config.Header> out = new ArrayList<>();
        for (String h : lists.getOrDefault(flag, List.of())) {
            out.add(Validators.header(flag, h));
        }
        return out;
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

    static boolean isTrue(Map<String, String> values, String name) {
        return "true".equals(values.get(name));
    }
}
