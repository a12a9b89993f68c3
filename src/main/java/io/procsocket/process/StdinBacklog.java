package io.procsocket.process;

/**
 * Whether bytes a client sent are waiting for its child to read stdin. The standalone server reads that
 * client's frames on the selector thread while this is clear (no hand-off per frame, writes that never
 * wait: {@link NoWaiting}), and on a worker thread, which may wait, while it is set; so a child that
 * stops reading holds back only its own client.
 */
public final class StdinBacklog {
    private volatile boolean backlogged;

    public boolean backlogged() {
        return backlogged;
    }

    void backlogged(boolean value) {
        backlogged = value;
    }
}
