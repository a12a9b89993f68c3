package io.procsocket.process.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.procsocket.process.LaunchFailure;

/**
 * The few libc calls the process layer needs, bound with JNA's direct mapping: a call costs about what
 * a JNI call does (interface mapping adds reflection on every read and write of the hot path).
 * Linux on 64-bit glibc (2.34 or later, for posix_spawn_file_actions_addclosefrom_np) only: the
 * constants below are the Linux values shared by x86-64 and aarch64. Errors are read through
 * {@link Native#getLastError()}, which JNA saves after every call, so EAGAIN costs no exception.
 */
final class LibC {
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ESRCH = 3;
    static final int EPIPE = 32;

    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;

    static final short POLLIN = 0x1;

    static final int EPOLLIN = 0x1;
    static final int EPOLLOUT = 0x4;
    static final int EPOLLONESHOT = 1 << 30;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_MOD = 3;
    /** struct epoll_event is packed on x86-64 (12 bytes) and naturally aligned elsewhere (16). */
    static final int EPOLL_EVENT_SIZE = Platform.isIntel() ? 12 : 16;
    static final int EPOLL_DATA_OFFSET = Platform.isIntel() ? 4 : 8;

    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    static final int WNOHANG = 1;
    /** pidfd_open(2): the same number on every architecture (added after the syscall tables were unified). */
    static final long SYS_PIDFD_OPEN = 434;

    /** prctl(2): orphaned descendants are reparented to the nearest ancestor that set this, not to init. */
    static final int PR_SET_CHILD_SUBREAPER = 36;
    static final int PR_GET_CHILD_SUBREAPER = 37;

    static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    static final short POSIX_SPAWN_SETSID = 0x80;
    /** Room for posix_spawn_file_actions_t (80 bytes on glibc x86-64), posix_spawnattr_t (336) and sigset_t (128). */
    static final int SPAWN_STRUCT_BYTES = 512;

    private static final String GLIBC_SONAME = "libc.so.6";
    private static final String JNA_PLATFORM_PATH = "jna.platform.library.path";
    private static final NativeLibrary LIBRARY;
    /** libffi's descriptor for this copy of JNA, closed on undeploy (see {@link FfiTrampolineFile}); may be null. */
    private static final FfiTrampolineFile TRAMPOLINES;

    static {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            throw new UnsupportedOperationException("Procsocket runs children on 64-bit Linux only (this is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
        }
        // JNA builds its default library search path by running `ldconfig -p` (a fork, an exec and a JDK
        // reaper thread kept for good) unless this is already set. libc is found by its soname through
        // the dynamic loader anyway, so give the usual places and skip that.
        if (System.getProperty(JNA_PLATFORM_PATH) == null) {
            System.setProperty(JNA_PLATFORM_PATH, "/usr/lib64:/lib64:/usr/lib:/lib");
        }
        LIBRARY = NativeLibrary.getInstance(GLIBC_SONAME);
        TRAMPOLINES = FfiTrampolineFile.openedBy(() -> Native.register(LibC.class, LIBRARY));
    }

    private LibC() { }

    static native int pipe2(int[] fds, int flags);

    static native int fcntl(int fd, int cmd, int arg);

    static native long read(int fd, Pointer buf, long count);

    static native long read(int fd, byte[] buf, long count);

    static native long write(int fd, byte[] buf, long count);

    static native int close(int fd);

    static native int poll(Pointer fds, long nfds, int timeoutMs);

    static native int kill(int pid, int sig);

    static native int waitpid(int pid, int[] status, int options);

    /** waitpid(pid, WNOHANG), retried on EINTR: the pid if it was reaped, 0 if it still runs, -1 on error. */
    static int reapNow(int pid, int[] status) {
        int rc;
        do {
            rc = waitpid(pid, status, WNOHANG);
        } while (rc < 0 && errno() == EINTR);
        return rc;
    }

    static native long syscall(long number, long arg1, long arg2);

    /**
     * glibc declares prctl variadic ({@code int prctl(int, ...)}) and reads four unsigned longs after the
     * option. On x86-64 and aarch64 Linux those are passed exactly like fixed arguments (libffi also sets
     * %al, the vector-register count a variadic callee may look at), so the fixed prototype is safe there,
     * and those are the only platforms this class loads on.
     */
    static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    /** PR_GET_* options that write their answer through arg2. */
    static native int prctl(int option, int[] arg2, long arg3, long arg4, long arg5);

    static native int epoll_create1(int flags);

    static native int epoll_ctl(int epfd, int op, int fd, int[] event);

    static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMs);

    static native int eventfd(int initval, int flags);

    static native String strerror(int errnum);

    static native int posix_spawnp(int[] pid, String file, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);

    static native int posix_spawn_file_actions_init(Pointer fileActions);

    static native int posix_spawn_file_actions_destroy(Pointer fileActions);

    static native int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    static native int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    static native int posix_spawnattr_init(Pointer attr);

    static native int posix_spawnattr_destroy(Pointer attr);

    static native int posix_spawnattr_setflags(Pointer attr, short flags);

    static native int posix_spawnattr_setsigmask(Pointer attr, Pointer sigmask);

    static native int sigemptyset(Pointer set);

    static int errno() {
        return Native.getLastError();
    }

    /** "Error 11 (Resource temporarily unavailable)" style text for an errno. */
    static String describe(int errno) {
        return "error=" + errno + ", " + strerror(errno);
    }

    /**
     * Throws unless pidfd_open(2) works here (Linux 5.3+, and no seccomp filter refusing it): without it no child's
     * exit would ever be seen.
     */
    static void requirePidfd() {
        long fd = syscall(SYS_PIDFD_OPEN, (int) ProcessHandle.current().pid(), 0);
        if (fd < 0) {
            throw new UnsupportedOperationException("pidfd_open (Linux 5.3 or later is needed): " + describe(errno()));
        }
        close((int) fd);
    }

    static LaunchFailure launchFailure(String what, int errno) {
        return new LaunchFailure(what, errno, strerror(errno));
    }

    /** JNA's cleaner thread: one per copy of JNA, started by its first Memory or NativeLibrary. */
    private static final String JNA_CLEANER_CLASS = "com.sun.jna.internal.Cleaner$CleanerThread";
    private static final long CLEANER_STOP_WAIT_MS = 2000;

    /**
     * Lets go of the binding when a web application is undeployed, once none of our threads runs any
     * more, so that nothing native or JNA-owned pins the application's class loader.
     */
    static void release() {
        if (TRAMPOLINES != null) {
            TRAMPOLINES.close();
        }
        Native.unregister(LibC.class);
        LIBRARY.close();
        // Our own Memory is closed where it is used (the reactor's buffers when it stops, spawn's blocks
        // at once); this frees whatever this copy of JNA still has, so nothing is left for its cleaner.
        Memory.disposeAll();
        stopCleanerThread();
    }

    /**
     * Ends the "JNA Cleaner" thread of the JNA copy in this web application. It was started by our
     * class loader's JNA, so it runs our classes and carries our class loader as its context: while it
     * lives, the loader cannot be collected, and the container reports the thread as one we failed to
     * stop. It would end by itself only 30 s after its last registration was cleaned (JNA 5's
     * CLEANER_LINGER_TIME), long after the container has checked, and with redeploys inside those 30 s
     * each copy of the web application stays. Everything it watched is freed above, so there is nothing
     * left for it to do, and its loop ends at an interrupt (JNA's own way to stop it at shutdown). The
     * cleaner of another copy of JNA (the container's, another web application's) is another class and
     * stays.
     */
    private static void stopCleanerThread() {
        ClassLoader ours = Native.class.getClassLoader();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getClass().getName().equals(JNA_CLEANER_CLASS) && t.getClass().getClassLoader() == ours) {
                t.interrupt();
                try {
                    t.join(CLEANER_STOP_WAIT_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
