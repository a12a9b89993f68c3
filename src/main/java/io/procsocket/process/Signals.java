package io.procsocket.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * kill(2) on whole process groups. Java's Process API only signals one pid and only with TERM/KILL;
 * websocketd's sequence needs SIGINT and must reach grandchildren, so we call libc through JNA.
 * If JNA cannot load (exotic platform) we fall back to /bin/kill, which forks but still works.
 */
public final class Signals {
    public static final int SIGINT = 2;
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    private static final int ESRCH = 3;

    private static final System.Logger LOG = System.getLogger(Signals.class.getName());
    private static final LibC LIBC = loadLibC();

    interface LibC extends Library {
        int kill(int pid, int sig) throws LastErrorException;
    }

    private Signals() { }

    /** Sends {@code signal} to every process in group {@code pgid}; false if the group has no members left. */
    public static boolean signalGroup(long pgid, int signal) {
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        if (LIBC != null) {
            try {
                LIBC.kill((int) -pgid, signal);
                return true;
            } catch (LastErrorException e) {
                // ESRCH: nobody left in the group. EPERM: someone is there but not ours to signal.
                return e.getErrorCode() != ESRCH;
            }
        }
        return killCommand(pgid, signal);
    }

    /** True while any process (including zombies not yet reaped) is still in the group. */
    public static boolean groupAlive(long pgid) {
        return signalGroup(pgid, 0);
    }

    /**
     * Lets go of libc's JNA binding when a web application is undeployed: JNA's cleaner thread (started by
     * this class loader) ends once nothing is registered with it, instead of pinning the old class loader.
     * Signals sent afterwards (there should be none) would go through /bin/kill's fallback path only if
     * JNA failed to load, so this is for undeploy only.
     */
    public static void release() {
        if (LIBC != null && java.lang.reflect.Proxy.isProxyClass(LIBC.getClass())
                && java.lang.reflect.Proxy.getInvocationHandler(LIBC) instanceof Library.Handler handler) {
            handler.getNativeLibrary().dispose();
        }
    }

    private static boolean killCommand(long pgid, int signal) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            LOG.log(Level.ERROR, "cannot run kill: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static LibC loadLibC() {
        try {
            return Native.load("c", LibC.class);
        } catch (LinkageError | RuntimeException e) {
            LOG.log(Level.WARNING, "JNA unavailable, signalling through /bin/kill: " + e);
            return null;
        }
    }
}
