package io.procsocket.shared;

/**
 * One route's one program and everyone watching it. The single-instance implementation is
 * {@link LocalSharedProcess}; with --shared-bus the same contract is kept across instances.
 */
public interface SharedProcess {
    /** What became of a client's message for stdin. */
    enum Input { WRITTEN, READ_ONLY, FULL, NOT_RUNNING }

    /** A place for one more client (admission, before the upgrade); false at --maxclients or once retired. */
    boolean tryReserve();

    /** A reserved place that was never taken (the upgrade did not complete in time). */
    void unreserve();

    /** A reserved client's session is open: replay, then live output; starts the program if it is not running. */
    void join(Member member);

    /** A joined client is gone; gives its place back. */
    void leave(Member member);

    /** A member's queue has drained: if the program waits for room to be read on, it may go on. */
    void roomMade();

    /**
     * One client's message, whole, for the program's stdin. Never blocks. With a bus the program may run on another
     * instance and refuse it later: {@code from} is then told through {@link Member#inputRefused}.
     */
    Input write(Member from, byte[] bytes, int off, int len);

    /** --shared-always: run now, and keep running whether anyone watches. */
    void startNow();

    /** Nobody holds a place, nothing runs and nothing will start: true once, and the route may forget it. */
    boolean retireIfIdle();

    /** How many clients on this instance are joined now. */
    int clients();

    /** The server is stopping: members are told; the program is ended with every other child. */
    void close();
}
