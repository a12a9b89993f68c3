package io.procsocket.process.portable;

import io.procsocket.process.OutputWatch;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;

/**
 * One output pipe of a portable child, read by a thread of its own: the JDK's pipe streams only block. The thread
 * runs the handler once per arming and sleeps while the pipe is not armed, so a handler that re-arms only once what
 * it read has been sent holds the child back exactly as the native reactor does: nothing is read, the pipe fills and
 * the child blocks. The handler may block in {@link #read} (the thread is this pipe's alone).
 */
final class OutputPump implements OutputWatch {
    private static final System.Logger LOG = System.getLogger(OutputPump.class.getName());
    /** What the handlers need (the reactor's handlers run on a 256 KiB stack too). */
    static final long STACK_BYTES = 256 * 1024;
    private static final int FIRST_BUFFER = 8 * 1024;

    private final InputStream in;
    private final Thread thread;
    private Handler handler;
    /** Grows to the largest read so far, up to {@link #MAX_READ}: a quiet pipe keeps a small one. */
    private byte[] buffer = new byte[FIRST_BUFFER];
    private boolean armed = true;
    private boolean closed;

    private OutputPump(InputStream in, String name) {
        this.in = in;
        this.thread = new Thread(null, this::run, name, STACK_BYTES);
        this.thread.setDaemon(true);
    }

    /** Starts reading {@code in}: the handler runs at once (armed), then once per {@link #rearm}. */
    static OutputPump start(InputStream in, String name, Handler handler) {
        OutputPump pump = new OutputPump(in, name);
        pump.handler = handler;
        pump.thread.start();
        return pump;
    }

    private void run() {
        try {
            while (awaitArmed()) {
                try {
                    handler.ready(this);
                } catch (RuntimeException e) {
                    // The same rule as the reactor's: a handler's bug ends its pipe, nothing else.
                    LOG.log(Level.ERROR, "pipe handler failed; closing its pipe", e);
                    close();
                }
            }
        } finally {
            closeStream();
        }
    }

    private synchronized boolean awaitArmed() {
        while (!armed && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                // Nobody interrupts these threads but the JVM at exit: stop reading.
                closed = true;
            }
        }
        armed = false;
        return !closed;
    }

    @Override
    public synchronized void rearm() {
        armed = true;
        notifyAll();
    }

    /**
     * The thread ends and closes the stream. A read in progress on another thread is not cut short (closing a JDK
     * pipe stream does not wake a blocked read); it ends when the child's side closes, which the kill sequence sees to.
     */
    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
        if (Thread.currentThread() == thread) {
            closeStream();
        }
    }

    /**
     * Blocks until the pipe has something (or ends), then takes what is there now up to {@code max} bytes: one
     * byte blocking, then what {@link InputStream#available} says followed it, so a read yields what the native
     * backend's non-blocking read would (a 10,000-byte write read as one chunk, not as 8 KiB and the rest).
     */
    @Override
    public int read(int max) throws IOException {
        int first = in.read();
        if (first < 0) {
            return EOF;
        }
        int want = (int) Math.min(Math.min(max, MAX_READ), 1L + Math.max(0, in.available()));
        if (buffer.length < want) {
            buffer = new byte[Math.min(MAX_READ, Math.max(want, buffer.length * 2))];
        }
        buffer[0] = (byte) first;
        int got = 1;
        while (got < want) {
            // available() promised these bytes, so this returns without waiting.
            int n = in.read(buffer, got, want - got);
            if (n < 0) {
                break;
            }
            got += n;
        }
        return got;
    }

    @Override
    public byte[] bytes() {
        return buffer;
    }

    private void closeStream() {
        try {
            in.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing a child's output: " + e.getMessage());
        }
    }
}
