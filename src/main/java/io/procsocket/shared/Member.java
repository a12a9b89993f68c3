package io.procsocket.shared;

/**
 * One client of a shared process, as the process sees it. {@link #enqueue} runs under the audience's
 * lock, so it only queues; {@link #flush} runs after the lock is let go and may start sends (never send
 * inside {@code synchronized}: a send can complete inline and call back into the audience).
 */
public interface Member {
    /** {@link #processEnded}'s status when the program could not be started at all. */
    int LAUNCH_FAILED = -2;

    /** Queues one frame behind everything before it. A member over its queue limit drops it and marks itself. */
    void enqueue(Frame frame);

    /** Starts sending what is queued (or closes a member that fell behind); never blocks. */
    void flush();

    /** Whether this member could take more now: the program is read no faster than its fastest member. */
    boolean hasRoom();

    /** This member missed output it can never get (another instance's stream moved on without it): close with 1008. */
    void cutOff();

    /** The program ended and will not restart for this member: close as a per-connection program's end would. */
    void processEnded(int status);

    /**
     * Its message found the program's stdin full (more than --shared-queue bytes waiting): closed with 1008, as when
     * {@link SharedProcess#write} answers FULL. Any thread.
     */
    void inputRefused();

    /** The server is stopping. */
    void shutDown();
}
