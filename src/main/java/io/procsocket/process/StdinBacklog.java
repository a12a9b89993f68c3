package io.procsocket.process;

/**
 * Whether bytes a client sent are waiting for its child to read stdin. The standalone server reads that
 * client's frames on the selector thread while this is clear (no hand-off per frame, writes that never
 * wait: {@link NoWaiting}), and on a worker thread, which may wait, while it is set; so a child that
 * stops reading holds back only its own client.
 */
public final class StdinBacklog {
    /** System.nanoTime() when bytes began to wait; 0 while none wait. */
    private volatile long waitingSince;
    /** Another connection's program this connection now writes to (a procsocket.v1 resume); its state counts. */
    private volatile StdinBacklog followed;

    public boolean backlogged() {
        StdinBacklog f = followed;
        return f != null ? f.backlogged() : waitingSince != 0;
    }

    /** From now on, this connection's frames go to the program {@code program} belongs to. */
    public void follow(StdinBacklog program) {
        followed = program;
    }

    /** How long bytes have been waiting for the child, in nanoseconds; 0 while none wait. */
    public long waitingNanos() {
        StdinBacklog f = followed;
        if (f != null) {
            return f.waitingNanos();
        }
        long since = waitingSince;
        return since == 0 ? 0 : Math.max(1, System.nanoTime() - since);
    }

    /** For the backends: bytes began to wait for the child. */
    public void startWaiting() {
        waitingSince = System.nanoTime();
    }

    /** For the backends: nothing waits any more. */
    public void stopWaiting() {
        waitingSince = 0;
    }
}
