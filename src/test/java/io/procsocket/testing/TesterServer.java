package io.procsocket.testing;

import io.procsocket.config.CommandLine;
import io.procsocket.config.UsageException;
import io.procsocket.gateway.Gateway;
import io.procsocket.server.StandaloneServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real standalone Procsocket (Grizzly + Tyrus) on an ephemeral 127.0.0.1 port, configured with the
 * same flags a user would type. One per test class (or per test when flags differ).
 */
public final class TesterServer implements AutoCloseable {
    private final StandaloneServer server;

    private TesterServer(StandaloneServer server) {
        this.server = server;
    }

    /** {@code args} are websocketd-style flags and command; --port=0 --address=127.0.0.1 are added. */
    public static TesterServer start(String... args) {
        List<String> all = new ArrayList<>(List.of("--port=0", "--address=127.0.0.1"));
        all.addAll(List.of(args));
        return startExactly(all);
    }

    /** Serving only the Unix socket {@code socket} (no TCP listener at all), with {@code args}. */
    public static TesterServer startUnixOnly(Path socket, String... args) {
        List<String> all = new ArrayList<>(List.of("--unixsocket=" + socket));
        all.addAll(List.of(args));
        return startExactly(all);
    }

    /** With exactly these flags (no --port or --address added): for a test that binds elsewhere on loopback. */
    public static TesterServer startExactly(List<String> all) {
        try {
            CommandLine.Parsed parsed = CommandLine.parse(all, System.getenv(), Path.of("").toAbsolutePath());
            return new TesterServer(StandaloneServer.start(parsed.config()));
        } catch (UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.port();
    }

    public URI ws(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port() + pathAndQuery);
    }

    public URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /** The --metrics=ADDR:PORT listener's port, or -1. */
    public int metricsPort() {
        return server.metricsPort();
    }

    public Path unixSocket() {
        return server.unixSocket();
    }

    public Gateway gateway() {
        return server.gateway();
    }

    @Override
    public void close() {
        server.close();
    }
}
