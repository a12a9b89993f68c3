package io.procsocket.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.asyncqueue.AsyncQueueWriter;
import org.glassfish.grizzly.nio.RegisterChannelResult;
import org.glassfish.grizzly.nio.transport.TCPNIOConnection;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;

/**
 * A connection accepted on a Unix domain socket, served by Grizzly's TCP transport like any other: its reads,
 * writes, filter chain (HTTP, TLS, Tyrus, our guards) and selectors are the TCP ones, since a stream socket is a
 * stream socket. What TCP has and a Unix socket has not (the JDK's {@code socket()} view, socket buffer sizes,
 * an IP peer) is answered here instead: buffer sizes come from the transport, and the addresses are a
 * placeholder 0.0.0.0:0, because Grizzly's HTTP layer reads both as IP addresses. Our own code asks
 * {@link #isUnix} and reports what websocketd reports for a Unix-socket peer.
 */
final class UnixConnection extends TCPNIOConnection {
    private static final InetSocketAddress NO_ADDRESS = placeholder();
    /** Used when the transport leaves its buffer sizes to the OS (-1), as TCP would ask the socket. */
    private static final int DEFAULT_BUFFER = 64 * 1024;

    private final TCPNIOTransport tcp;

    UnixConnection(TCPNIOTransport transport, SocketChannel channel) {
        super(transport, channel);
        this.tcp = transport;
    }

    static boolean isUnix(org.glassfish.grizzly.Connection<?> connection) {
        return connection instanceof UnixConnection;
    }

    /** What the transport does to a connection it accepted itself (NIOTransport.configureNIOConnection). */
    void configure() {
        configureBlocking(tcp.isBlocking());
        configureStandalone(tcp.isStandalone());
        setProcessor(tcp.getProcessor());
        setProcessorSelector(tcp.getProcessorSelector());
        setReadTimeout(tcp.getReadTimeout(TimeUnit.MILLISECONDS), TimeUnit.MILLISECONDS);
        setWriteTimeout(tcp.getWriteTimeout(TimeUnit.MILLISECONDS), TimeUnit.MILLISECONDS);
        resetProperties();
    }

    /** The selector took the channel: the connection is live, and the filter chain hears it was accepted. */
    void registered(RegisterChannelResult result) {
        setSelectionKey(result.getSelectionKey());
        setSelectorRunner(result.getSelectorRunner());
        if (notifyReady()) {
            tcp.fireIOEvent(IOEvent.ACCEPTED, this, null);
        }
    }

    @Override
    protected void resetProperties() {
        int queue = tcp.getAsyncQueueIO().getWriter().getMaxPendingBytesPerConnection();
        setMaxAsyncWriteQueueSize(queue == AsyncQueueWriter.AUTO_SIZE ? getWriteBufferSize() * 4 : queue);
    }

    @Override
    public int getReadBufferSize() {
        return tcp.getReadBufferSize() > 0 ? tcp.getReadBufferSize() : DEFAULT_BUFFER;
    }

    @Override
    public void setReadBufferSize(int size) {
        // A Unix socket has no receive buffer option to set; reads are sized by the transport.
    }

    @Override
    public int getWriteBufferSize() {
        return tcp.getWriteBufferSize() > 0 ? tcp.getWriteBufferSize() : DEFAULT_BUFFER;
    }

    @Override
    public void setWriteBufferSize(int size) {
        // As setReadBufferSize.
    }

    @Override
    public SocketAddress getPeerAddress() {
        return NO_ADDRESS;
    }

    @Override
    public SocketAddress getLocalAddress() {
        return NO_ADDRESS;
    }

    private static InetSocketAddress placeholder() {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[4]), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
