package io.procsocket.process.linux;

import com.sun.jna.Memory;
import io.procsocket.process.OutputWatch;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One epoll thread for the pipes of every child: stdout, stderr and the pidfd that reports its exit.
 * websocketd spends a goroutine per pipe, which Go multiplexes on a few OS threads; a Java thread per
 * pipe cost about 100 KiB of memory per idle connection and a thread wake-up per message.
 *
 * Every pipe is armed one-shot: after it fires it stays quiet until its handler re-arms it. A stdout
 * handler re-arms only once what it read has been sent, so a slow client stops the reading, the pipe
 * fills and the child blocks: backpressure without a queue. Handlers run on this thread and must not
 * block.
 */
final class PipeReactor implements AutoCloseable {
    /** What to do when a pipe is ready. Runs on the reactor thread; must not block. */
    @FunctionalInterface
    interface Ready {
        void ready(Registration registration);
    }

    private static final System.Logger LOG = System.getLogger(PipeReactor.class.getName());
    private static final int MAX_EVENTS = 64;
    private static final long WAKE_ID = 0;
    private static final long STOP_WAIT_MS = 2000;

    private final int epfd;
    private final int wakeFd;
    /** Most bytes one read takes from a pipe. */
    static final int READ_BUFFER = OutputWatch.MAX_READ;

    private final Memory readBuffer = new Memory(READ_BUFFER);
    private final byte[] bytes = new byte[READ_BUFFER];
    private final Memory events = new Memory((long) MAX_EVENTS * LibC.EPOLL_EVENT_SIZE);
    private final Map<Long, Registration> registrations = new ConcurrentHashMap<>();
    private final AtomicLong lastId = new AtomicLong(WAKE_ID);
    private final Thread thread;
    private volatile boolean running = true;

    PipeReactor(String name) {
        epfd = LibC.epoll_create1(LibC.O_CLOEXEC);
        if (epfd < 0) {
            throw new IllegalStateException("epoll_create1: " + LibC.describe(LibC.errno()));
        }
        wakeFd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (wakeFd < 0) {
            LibC.close(epfd);
            throw new IllegalStateException("eventfd: " + LibC.describe(LibC.errno()));
        }
        control(LibC.EPOLL_CTL_ADD, wakeFd, LibC.EPOLLIN, WAKE_ID);
        thread = new Thread(null, this::run, name, 256 * 1024);
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches {@code pipe} for input (or end of stream); {@code handler} runs once per arming. */
    Registration register(PipeEnd pipe, Ready handler) {
        return register(pipe, LibC.EPOLLIN, handler);
    }

    /** Watches {@code pipe} until it can be written again (or its reader is gone). */
    Registration registerForWrite(PipeEnd pipe, Ready handler) {
        return register(pipe, LibC.EPOLLOUT, handler);
    }

    private Registration register(PipeEnd pipe, int events, Ready handler) {
        Registration r = new Registration(lastId.incrementAndGet(), pipe, events | LibC.EPOLLONESHOT, handler);
        registrations.put(r.id, r);
        synchronized (pipe) {
            if (!running || pipe.isClosed()) {
                registrations.remove(r.id);
                pipe.close();
                throw new IllegalStateException("pipe reactor is closed");
            }
            try {
                control(LibC.EPOLL_CTL_ADD, pipe.fd(), r.events, r.id);
            } catch (IllegalStateException e) {
                registrations.remove(r.id);
                throw e;
            }
        }
        return r;
    }

    /** One watched pipe; as an {@link OutputWatch}, its reads go through the reactor's one buffer. */
    final class Registration implements OutputWatch {
        private final long id;
        private final PipeEnd pipe;
        private final int events;
        private final Ready handler;

        private Registration(long id, PipeEnd pipe, int events, Ready handler) {
            this.id = id;
            this.pipe = pipe;
            this.events = events;
            this.handler = handler;
        }

        PipeEnd pipe() {
            return pipe;
        }

        /** Arms the pipe for one more event; from any thread. A closed pipe stays closed. */
        @Override
        public void rearm() {
            synchronized (pipe) {
                if (!pipe.isClosed()) {
                    control(LibC.EPOLL_CTL_MOD, pipe.fd(), events, id);
                }
            }
        }

        /** Stops watching and closes the pipe (closing also takes it out of the epoll set). */
        @Override
        public void close() {
            registrations.remove(id);
            pipe.close();
        }

        @Override
        public int read(int max) throws IOException {
            return PipeReactor.this.read(this, max);
        }

        @Override
        public byte[] bytes() {
            return bytes;
        }
    }

    private void run() {
        try {
            while (running) {
                int n = LibC.epoll_wait(epfd, events, MAX_EVENTS, -1);
                if (n < 0) {
                    int errno = LibC.errno();
                    if (errno == LibC.EINTR) {
                        continue;
                    }
                    LOG.log(Level.ERROR, "epoll_wait failed, no more child output will be read: " + LibC.describe(errno));
                    return;
                }
                for (int i = 0; i < n; i++) {
                    long id = events.getLong((long) i * LibC.EPOLL_EVENT_SIZE + LibC.EPOLL_DATA_OFFSET);
                    Registration r = id == WAKE_ID ? null : registrations.get(id);
                    if (r != null) {
                        fire(r);
                    }
                }
            }
        } finally {
            // Whatever is still registered has nobody left to read it.
            registrations.values().forEach(Registration::close);
            registrations.clear();
            LibC.close(wakeFd);
            LibC.close(epfd);
            // Freed now rather than whenever JNA's cleaner sees them collected: in a servlet container
            // that thread must have nothing left to clean when the application is undeployed
            // (LibC.release). Only this thread uses them, and it is done.
            readBuffer.close();
            events.close();
        }
    }

    private static void fire(Registration r) {
        try {
            r.handler.ready(r);
        } catch (RuntimeException e) {
            // One connection's bug must not stop every other child's output.
            LOG.log(Level.ERROR, "pipe handler failed; closing its pipe", e);
            r.close();
        }
    }

    private void control(int op, int fd, int eventMask, long id) {
        // struct epoll_event as ints (little-endian Linux): the mask, then the 64-bit data at its offset.
        int[] event = new int[LibC.EPOLL_EVENT_SIZE / 4];
        event[0] = eventMask;
        event[LibC.EPOLL_DATA_OFFSET / 4] = (int) id;
        event[LibC.EPOLL_DATA_OFFSET / 4 + 1] = (int) (id >>> 32);
        if (LibC.epoll_ctl(epfd, op, fd, event) < 0) {
            throw new IllegalStateException("epoll_ctl: " + LibC.describe(LibC.errno()));
        }
    }

    /** Stops the thread, then closes every pipe still watched. */
    @Override
    public void close() {
        running = false;
        LibC.write(wakeFd, new byte[] {1, 0, 0, 0, 0, 0, 0, 0}, 8);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(STOP_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One read of what {@code r} has, at most {@code max} bytes, into {@link #bytes()}: bytes read,
     * {@link PipeEnd#EOF} or {@link PipeEnd#WOULD_BLOCK}. Reactor thread only: the buffers are shared by
     * every pipe, so no connection keeps a read buffer of its own while idle.
     */
    int read(Registration r, int max) throws IOException {
        int n = r.pipe().read(readBuffer, Math.min(max, READ_BUFFER));
        if (n > 0) {
            readBuffer.read(0, bytes, 0, n);
        }
        return n;
    }

    /** What the last {@link #read} got, from index 0. Valid on the reactor thread until its next read. */
    byte[] bytes() {
        return bytes;
    }
}
