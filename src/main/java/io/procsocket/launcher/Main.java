package io.procsocket.launcher;

import io.procsocket.config.CommandLine;
import io.procsocket.config.Config;
import io.procsocket.config.UsageException;
import io.procsocket.config.Version;
import io.procsocket.log.GatewayLog;
import io.procsocket.log.StandaloneLogging;
import io.procsocket.process.ProcessBackends;
import io.procsocket.server.StandaloneServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar procsocket.war [flags] COMMAND [ARGS...]}: websocketd's command line on Tyrus/Grizzly. */
public final class Main {
    /** websocketd's exit status when the server cannot start (port in use, ...). */
    static final int EXIT_CANNOT_START = 3;

    private Main() { }

    public static void main(String[] args) {
        String explodeTo = System.getProperty(ExplodedWar.PROPERTY);
        // bin/procsocket's first step, before any flag is read: a JVM option, as the WAR is the JVM's class path.
        int status = explodeTo != null ? ExplodedWar.run(explodeTo, System.err) : run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine.Parsed parsed;
        try {
            parsed = CommandLine.parse(Arrays.asList(args), System.getenv(), Path.of("").toAbsolutePath());
            // A JVM option, but as much a flag as any: refused before any port opens.
            ProcessBackends.checkProperty();
        } catch (UsageException e) {
            err.println("procsocket: " + e.getMessage());
            return e.exitStatus();
        } catch (IllegalArgumentException e) {
            err.println("procsocket: " + e.getMessage());
            return 1;
        }
        switch (parsed.action()) {
            case HELP:
                out.print(HelpText.help());
                return 0;
            case VERSION:
                out.println("procsocket " + Version.NUMBER + " (websocketd 0.4.1 compatible; Java "
                        + Runtime.version() + ")");
                return 0;
            case LICENSE:
                out.println("procsocket " + Version.NUMBER);
                out.print(HelpText.license());
                return 0;
            default:
                return serve(parsed.config(), out, err);
        }
    }

    private static int serve(Config config, PrintStream out, PrintStream err) {
        StandaloneLogging.install(config.logLevel(), config.logFormat(), out);
        GatewayLog log = GatewayLog.root();
        StandaloneServer server;
        try {
            server = StandaloneServer.start(config);
        } catch (IllegalArgumentException e) {
            if (!(e.getCause() instanceof UsageException usage)) {
                log.fatal("server", "Can't start server: %s", e.getMessage());
                return EXIT_CANNOT_START;
            }
            // A password, token or key file the gateway read first, before any port (the server's or a route's):
            // a bad flag's answer, one line and its status.
            err.println("procsocket: " + usage.getMessage());
            return usage.exitStatus();
        } catch (IOException | RuntimeException e) {
            log.fatal("server", "Can't start server: %s", e.getMessage() == null ? e.toString() : e.getMessage());
            return EXIT_CANNOT_START;
        }
        if (config.usingScriptDir()) {
            log.info("server", "Serving from directory      : %s", config.scriptDir());
        } else if (config.servesWebSockets()) {
            log.info("server", "Serving using application   : %s", config.commandLabel());
        }
        if (config.staticDir() != null) {
            log.info("server", "Serving static content from : %s", config.staticDir());
        }
        if (config.cgiDir() != null) {
            log.info("server", "Serving CGI scripts from    : %s", config.cgiDir());
        }
        int i = 0;
        for (int port : server.ports()) {
            String host = config.addresses().isEmpty() ? hostname() : config.addresses().get(i);
            i++;
            String hostPort = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
            log.info("server", "Starting WebSocket server   : %s://%s/", config.secure() ? "wss" : "ws", hostPort);
            if (config.devConsole()) {
                log.info("server", "Developer console enabled   : %s://%s/", config.secure() ? "https" : "http", hostPort);
            } else if (config.staticDir() != null || config.cgiDir() != null) {
                log.info("server", "Serving CGI or static files : %s://%s/", config.secure() ? "https" : "http", hostPort);
            }
        }
        if (server.unixSocket() != null) {
            log.info("server", "Starting WebSocket server   : unix:%s", server.unixSocket());
        }
        if (server.redirectPort() > 0) {
            log.info("server", "Redirecting plain HTTP      : port %d -> %s port %d", server.redirectPort(),
                    config.secure() ? "https" : "http", server.port());
        }
        server.gateway().logProcessBackend();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Children are in their own process groups, so Ctrl-C does not reach them: end them here.
            server.close();
            stopped.countDown();
        }, "procsocket-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
