package io.procsocket.process.linux;

/**
 * kill(2) on whole process groups. Java's Process API only signals one pid and only with TERM/KILL;
 * websocketd's sequence needs SIGINT and must reach grandchildren.
 */
final class Signals {
    static final int SIGINT = 2;
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;

    private Signals() { }

    /** Sends {@code signal} to every process in group {@code pgid}; false if the group has no members left. */
    static boolean signalGroup(long pgid, int signal) {
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
    static boolean groupAlive(long pgid) {
        return signalGroup(pgid, 0);
    }

    /**
     * Lets go of the libc binding when a web application is undeployed, so that JNA's cleaner thread
     * (started by this class loader) ends and nothing pins the old class loader.
     */
    static void release() {
        LibC.release();
    }
}
