package io.procsocket.process;

/**
 * One connection's stdin, as its front door sees it: whether bytes are waiting for the child to read
 * them, and which thread must not wait for that. The standalone server reads a client's frames on the
 * selector thread while this is clear (no hand-off per frame), and on a worker thread, which may
 * wait, while it is set; so a child that stops reading holds back only its own client.
 */
public final class StdinBacklog {
    private volatile boolean backlogged;
    private volatile Thread mustNotWait;

    public boolean backlogged() {
        return backlogged;
    }

    void backlogged(boolean value) {
        backlogged = value;
    }

    /** From here until {@link #allowWaiting()}, writes on this thread queue what does not fit instead of waiting. */
    public void forbidWaitingOnThisThread() {
        mustNotWait = Thread.currentThread();
    }

    public void allowWaiting() {
        mustNotWait = null;
    }

    boolean mayWait() {
        return mustNotWait != Thread.currentThread();
    }
}
