package io.procsocket.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of a server, which a test can cut: every connection through it is
 * reset at once (RST both ways, so neither the browser nor the server gets a close frame or even a FIN),
 * the way a dropped Wi-Fi link ends for whichever side notices first, and while it is down new connections
 * are reset as they arrive. Or only the browser's side is reset and the server's is left open and unread,
 * the half-open connection a server is left with when a laptop drops off the network. Chromium has no way to
 * drop an open WebSocket that is this abrupt and this deterministic (network emulation only stops new
 * connections).
 */
final class CuttableProxy implements AutoCloseable {
    private static final long JOIN_MS = 5_000;

    private final ServerSocket listener;
    private final int target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Socket> upstreams = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean down;
    /** Server-side sockets stay open, unread, after a cut (until close). */
    private volatile boolean holdUpstreams;
    private volatile boolean closed;

    private CuttableProxy(ServerSocket listener, int target) {
        this.listener = listener;
        this.target = target;
    }

    static CuttableProxy start(int targetPort) {
        try {
            ServerSocket listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CuttableProxy proxy = new CuttableProxy(listener, targetPort);
            proxy.spawn("proxy-accept", proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /** Resets every connection now open and every new one until {@link #restore()}. */
    void cut() {
        down = true;
        for (Socket s : sockets) {
            reset(s);
        }
    }

    /** Resets the browser's side of every connection now open, leaving the server's open and unread. */
    void cutBrowserSide() {
        holdUpstreams = true;
        down = true;
        for (Socket s : sockets) {
            if (!upstreams.contains(s)) {
                reset(s);
            }
        }
    }

    /** Lets new connections through again; connections cut stay cut. */
    void restore() {
        down = false;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (down || closed) {
                reset(client);
                continue;
            }
            Socket upstream;
            try {
                upstream = new Socket(InetAddress.getLoopbackAddress(), target);
            } catch (IOException e) {
                reset(client);
                continue;
            }
            if (down || closed) {
                // Cut while connecting upstream: it must not survive the cut.
                reset(client);
                reset(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            upstreams.add(upstream);
            spawn("proxy-up", () -> pump(client, upstream));
            spawn("proxy-down", () -> pump(upstream, client));
        }
    }

    /** Copies until either side ends; an orderly end is passed on as an orderly end (FIN). */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // Reset or cut: the other direction's pump ends the same way.
            resetUnlessHeld(from);
            resetUnlessHeld(to);
            return;
        }
        if (from.isOutputShutdown() || to.isInputShutdown()) {
            quietClose(from);
            quietClose(to);
        }
    }

    private void resetUnlessHeld(Socket s) {
        if (!(holdUpstreams && upstreams.contains(s))) {
            reset(s);
        }
    }

    private void reset(Socket s) {
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
            }
        } catch (IOException e) {
            // Already gone: closing is all there is left to do.
        }
        quietClose(s);
    }

    private void quietClose(Socket s) {
        sockets.remove(s);
        upstreams.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // Nothing more to release.
        }
    }

    private synchronized void spawn(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    /** Stops accepting, resets what is left, and waits for every thread it started. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // Closing the listener is what ends the accept loop; nothing else to do.
        }
        for (Socket s : sockets) {
            reset(s);
        }
        List<Thread> all;
        synchronized (this) {
            all = new ArrayList<>(threads);
        }
        for (Thread t : all) {
            try {
                t.join(JOIN_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " still running " + JOIN_MS + " ms after close");
            }
        }
    }
}
