package io.procsocket.process.linux;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.procsocket.process.OutputWatch;
import java.io.IOException;

/**
 * One end of a pipe to a child, non-blocking (O_NONBLOCK is set on our end only; the child's end stays
 * blocking, as programs expect). Closed exactly once: the reactor re-arms it under the same lock, so a
 * close can never let a recycled descriptor number be armed for the wrong pipe.
 */
final class PipeEnd {
    /** read/write result when the pipe has nothing to give or no room: wait for readiness. */
    static final int WOULD_BLOCK = OutputWatch.WOULD_BLOCK;
    /** read result at end of stream. */
    static final int EOF = OutputWatch.EOF;

    private final int fd;
    private boolean closed;

    PipeEnd(int fd) {
        this.fd = fd;
    }

    int fd() {
        return fd;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }

    /** One read into native memory: bytes read, {@link #EOF} or {@link #WOULD_BLOCK}. */
    int read(Pointer buf, int size) throws IOException {
        long n;
        do {
            n = LibC.read(fd, buf, size);
        } while (interrupted(n));
        return n == 0 ? EOF : result(n, "read");
    }

    /** One read into {@code buf} from its start: bytes read, {@link #EOF} or {@link #WOULD_BLOCK}. */
    int read(byte[] buf, int size) throws IOException {
        long n;
        do {
            n = LibC.read(fd, buf, size);
        } while (interrupted(n));
        return n == 0 ? EOF : result(n, "read");
    }

    /** Writes what fits now from the start of {@code buf}: bytes written, or {@link #WOULD_BLOCK}. */
    int write(byte[] buf, int len) throws IOException {
        long n;
        do {
            n = LibC.write(fd, buf, len);
        } while (interrupted(n));
        return result(n, "write");
    }

    private static boolean interrupted(long n) {
        return n < 0 && LibC.errno() == LibC.EINTR;
    }

    /** A count as is, EAGAIN as {@link #WOULD_BLOCK}, any other error as an exception. */
    private static int result(long n, String call) throws IOException {
        if (n >= 0) {
            return (int) n;
        }
        int errno = LibC.errno();
        if (errno == LibC.EAGAIN) {
            return WOULD_BLOCK;
        }
        throw new IOException(errno == LibC.EPIPE ? "Broken pipe" : call + ": " + LibC.describe(errno));
    }

    /** Blocks the calling thread until the pipe has something to read (or its writer is gone). */
    void awaitReadable() throws IOException {
        try (Memory pollfd = new Memory(8)) {
            pollfd.setInt(0, fd);
            pollfd.setShort(4, LibC.POLLIN);
            pollfd.setShort(6, (short) 0);
            while (LibC.poll(pollfd, 1, -1) < 0) {
                int errno = LibC.errno();
                if (errno != LibC.EINTR) {
                    throw new IOException("poll: " + LibC.describe(errno));
                }
            }
        }
    }
}
