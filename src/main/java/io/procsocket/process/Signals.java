package io.procsocket.process;

/**
 * kill(2) on whole process groups. Java's Process API only signals one pid and only with TERM/KILL;
 * websocketd's sequence needs SIGINT and must reach grandchildren.
 */
public final class Signals {
    public static final int SIGINT = 2;
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private Signals() { }

    /** Sends {@code signal} to every process in group {@code pgid}; false if the group has no members left. */
    public static boolean signalGroup(long pgid, int signal) {
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        if (LibC.kill((int) -pgid, signal) == 0) {
            return true;
        }
        // ESRCH: nobody left in the group. EPERM: someone is there but not ours to signal.
        return LibC.errno() != LibC.ESRCH;
    }

    /** True while any process (including zombies not yet reaped) is still in the group. */
    public static boolean groupAlive(long pgid) {
        return signalGroup(pgid, 0);
    }

    /**
     * Lets go of the libc binding when a web application is undeployed, so that JNA's cleaner thread
     * (started by this class loader) ends and nothing pins the old class loader.
     */
    public static void release() {
        LibC.release();
    }
}
