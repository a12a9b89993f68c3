package io.procsocket.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A Unix domain socket connection as a pair of streams whose reads give up after a timeout, like a TCP socket's
 * SO_TIMEOUT (which a Unix-family channel has no equivalent of): so a test client over --unixsocket fails a
 * test that hangs instead of hanging it.
 */
public final class UnixSocketStreams implements AutoCloseable {
    private final SocketChannel channel;
    private final Selector selector;
    private final Duration timeout;

    private UnixSocketStreams(SocketChannel channel, Duration timeout) throws IOException {
        this.channel = channel;
        this.timeout = timeout;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    public static UnixSocketStreams connect(Path socket, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new UnixSocketStreams(channel, timeout);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public InputStream in() {
        return new InputStream() {
            private final byte[] one = new byte[1];

            @Override
            public int read() throws IOException {
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0; // InputStream's contract; readNBytes relies on it
                }
                ByteBuffer into = ByteBuffer.wrap(b, off, len);
                long deadline = System.nanoTime() + timeout.toNanos();
                while (true) {
                    int n = channel.read(into);
                    if (n != 0) {
                        return n;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException("no bytes within " + timeout);
                    }
                    selector.select(Math.max(1, left / 1_000_000));
                    selector.selectedKeys().clear();
                }
            }
        };
    }

    public OutputStream out() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer from = ByteBuffer.wrap(b, off, len);
                long deadline = System.nanoTime() + timeout.toNanos();
                while (from.hasRemaining()) {
                    if (channel.write(from) == 0) {
                        if (System.nanoTime() > deadline) {
                            throw new SocketTimeoutException("could not write within " + timeout);
                        }
                        Thread.onSpinWait();
                    }
                }
            }
        };
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
