package io.procsocket.server;

import io.procsocket.log.GatewayLog;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.nio.RegisterChannelResult;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;

/**
 * --unixsocket: the same Grizzly/Tyrus stack, listening on a Unix domain socket. Grizzly's TCP transport cannot
 * bind a {@link UnixDomainSocketAddress}, so this listener's start binds nothing itself: it starts the
 * transport (selectors, workers, the filter chain HttpServer built for it), accepts on a JDK Unix-family
 * {@link ServerSocketChannel} on one thread, and hands every accepted channel to the transport's selectors as a
 * {@link UnixConnection}. From there on it is served exactly as a TCP connection is.
 *
 * As websocketd: the socket file is created with the process's umask; a stale file a dead server left is
 * removed and replaced; a socket another live server listens on is refused ("address already in use") and left
 * to it; the file is removed at shutdown (only if it is still ours).
 */
final class UnixSocketListener extends NetworkListener {
    private final Path path;
    private ServerSocketChannel channel;
    private Object fileKey;
    private Thread acceptor;
    private volatile boolean running;

    UnixSocketListener(String name, Path path) {
        // The host and port are only names here: nothing is bound to them (see start()).
        super(name, "unix:" + path, 0);
        this.path = path;
    }

    Path path() {
        return path;
    }

    @Override
    public synchronized boolean isStarted() {
        return running;
    }

    @Override
    public synchronized void start() throws IOException {
        if (running) {
            return;
        }
        TCPNIOTransport transport = getTransport();
        transport.setProcessor(getFilterChain());
        claimPath();
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(address);
        } catch (IOException e) {
            server.close();
            throw new IOException("listen unix " + path + ": bind: " + message(e), e);
        }
        channel = server;
        fileKey = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).fileKey();
        transport.start();
        running = true;
        acceptor = new Thread(this::accept, "procsocket-unix-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Whatever is at the path: nothing is fine; a socket nobody answers on is a dead server's and goes; a socket
     * that answers belongs to a live server and is left alone; anything else is not ours to remove.
     */
    private void claimPath() throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0170000) != 0140000) {
            throw new IOException("listen unix " + path + ": bind: address already in use (not a socket)");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException refused) {
            GatewayLog.root().info("server", "Removing stale socket file %s (no server listens on it)", path);
            Files.deleteIfExists(path);
            return;
        }
        throw new IOException("listen unix " + path + ": bind: address already in use");
    }

    private void accept() {
        TCPNIOTransport transport = getTransport();
        while (running) {
            SocketChannel accepted;
            try {
                accepted = channel.accept();
            } catch (ClosedChannelException e) {
                return; // shutting down
            } catch (IOException e) {
                GatewayLog.root().error("server", "accept on %s failed: %s", path, e.getMessage());
                continue;
            }
            try {
                accepted.configureBlocking(false);
                UnixConnection connection = new UnixConnection(transport, accepted);
                connection.configure();
                transport.getNIOChannelDistributor().registerChannelAsync(accepted, SelectionKey.OP_READ, connection,
                        new EmptyCompletionHandler<RegisterChannelResult>() {
                            @Override
                            public void completed(RegisterChannelResult result) {
                                connection.registered(result);
                            }

                            @Override
                            public void failed(Throwable error) {
                                connection.closeSilently();
                            }
                        });
            } catch (IOException | RuntimeException e) {
                GatewayLog.root().error("server", "could not serve a connection on %s: %s", path, e);
                try {
                    accepted.close();
                } catch (IOException ignored) {
                    // Nothing more to do for it.
                }
            }
        }
    }

    @Override
    public synchronized void shutdownNow() throws IOException {
        if (!running) {
            return;
        }
        running = false;
        try {
            channel.close();
            if (acceptor != null) {
                acceptor.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            removeOurFile();
            getTransport().shutdownNow();
        }
    }

    /** Only our own socket file: a later server may have replaced it at the same path. */
    private void removeOurFile() {
        try {
            Object now = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey();
            if (now != null && now.equals(fileKey)) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // Gone already.
        }
    }

    private static String message(IOException e) {
        String m = e.getMessage();
        return m == null ? e.toString() : m.toLowerCase(java.util.Locale.ROOT);
    }
}
