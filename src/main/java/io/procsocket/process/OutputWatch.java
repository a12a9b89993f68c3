package io.procsocket.process;

import java.io.IOException;

/**
 * One of a child's output pipes (stdout or stderr) as its reader sees it, whichever backend runs the child.
 * The {@link Handler} is called once per arming, on a thread that belongs to the backend (the native backend's
 * one reactor thread, or the portable backend's thread for this pipe); it reads once and decides when the pipe
 * is armed again. Arming only once what was read has been sent is how a slow client holds the child back:
 * nothing is read, the pipe fills and the child blocks, with nothing queued in memory.
 */
public interface OutputWatch {
    /** read result at end of stream. */
    int EOF = -1;
    /** read result when the pipe has nothing to give now (the native backend only): re-arm and wait. */
    int WOULD_BLOCK = -2;
    /** Most bytes one {@link #read} takes. */
    int MAX_READ = 64 * 1024;

    /** What to do when the pipe is ready. Must not block: the native backend runs every child's on one thread. */
    @FunctionalInterface
    interface Handler {
        void ready(OutputWatch pipe);
    }

    /** The handler runs once more when there is something to read (or the end); from any thread. */
    void rearm();

    /** Stops watching and lets go of the pipe. */
    void close();

    /**
     * From the handler only: one read of what the pipe has now, at most {@code max} bytes, into {@link #bytes()}:
     * bytes read, {@link #EOF} or {@link #WOULD_BLOCK}.
     */
    int read(int max) throws IOException;

    /** What the last {@link #read} got, from index 0; valid in the handler until the next read. */
    byte[] bytes();
}
