package io.procsocket.process.linux;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.procsocket.process.LaunchFailure;
import io.procsocket.process.StdinBacklog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Starts a program as the leader of a new session and process group, with one posix_spawn(3):
 * POSIX_SPAWN_SETSID does what the util-linux {@code setsid} program did between fork and exec, and
 * every descriptor above stderr is closed in the child. ProcessBuilder could not: it cannot call
 * setsid, so each child cost three execs (jspawnhelper, setsid, the program) and a JDK reaper thread.
 * Here the child's exit arrives as a pidfd event on the {@link PipeReactor}, so no thread waits for it.
 */
final class ProcessGroupLauncher {
    private final Supplier<PipeReactor> reactor;

    /** {@code reactor} may still be starting; the first launch waits for it. */
    ProcessGroupLauncher(Supplier<PipeReactor> reactor) {
        this.reactor = reactor;
    }

    /** Starts {@code command}; {@code backlog} is the front door's view of its stdin (see {@link StdinBacklog}). */
    NativeChild launch(List<String> command, Map<String, String> environment, StdinBacklog backlog)
            throws IOException {
        PipeReactor reactor = this.reactor.get();
        String[] argv = command.toArray(String[]::new);
        String[] envp = environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        int[] in = pipe();
        int[] out = null;
        int[] err = null;
        int pid;
        try {
            out = pipe();
            err = pipe();
            pid = spawn(argv, envp, in[0], out[1], err[1]);
        } catch (IOException | RuntimeException e) {
            closeAll(in, out, err);
            throw e;
        }
        // The child's ends now belong to the child alone: closing ours is what lets it see EOF on stdin.
        LibC.close(in[0]);
        LibC.close(out[1]);
        LibC.close(err[1]);
        NativeChild child = new NativeChild(pid, nonBlocking(in[1]), nonBlocking(out[0]), nonBlocking(err[0]),
                reactor, backlog);
        long pidfd = LibC.syscall(LibC.SYS_PIDFD_OPEN, pid, 0);
        if (pidfd < 0) {
            int errno = LibC.errno();
            // Without a pidfd nothing would ever reap it: end it rather than leave it running untracked.
            child.kill();
            child.closePipes();
            throw new IOException("pidfd_open (Linux 5.3 or later is needed): " + LibC.describe(errno));
        }
        try {
            reactor.register(new PipeEnd((int) pidfd), child::reap);
        } catch (IllegalStateException e) {
            child.kill();
            child.closePipes();
            throw new IOException("shutting down", e);
        }
        return child;
    }

    private static int spawn(String[] argv, String[] envp, int stdin, int stdout, int stderr) throws IOException {
        try (Memory actions = new Memory(LibC.SPAWN_STRUCT_BYTES);
             Memory attr = new Memory(LibC.SPAWN_STRUCT_BYTES);
             Memory noSignals = new Memory(LibC.SPAWN_STRUCT_BYTES)) {
            check("posix_spawn_file_actions_init", LibC.posix_spawn_file_actions_init(actions));
            check("posix_spawnattr_init", LibC.posix_spawnattr_init(attr));
            try {
                check("adddup2", LibC.posix_spawn_file_actions_adddup2(actions, stdin, 0));
                check("adddup2", LibC.posix_spawn_file_actions_adddup2(actions, stdout, 1));
                check("adddup2", LibC.posix_spawn_file_actions_adddup2(actions, stderr, 2));
                // Not every descriptor the JVM opens is close-on-exec (sockets are not): a child must not
                // hold a client's socket or a listening port open.
                check("addclosefrom_np", LibC.posix_spawn_file_actions_addclosefrom_np(actions, 3));
                // The spawning thread may block signals; the program starts with none blocked.
                LibC.sigemptyset(noSignals);
                check("setsigmask", LibC.posix_spawnattr_setsigmask(attr, noSignals));
                check("setflags", LibC.posix_spawnattr_setflags(attr,
                        (short) (LibC.POSIX_SPAWN_SETSID | LibC.POSIX_SPAWN_SETSIGMASK)));
                int[] pid = new int[1];
                int rc;
                try (Memory args = cStrings(argv); Memory env = cStrings(envp)) {
                    rc = LibC.posix_spawnp(pid, argv[0], actions, attr, args, env);
                }
                if (rc != 0) {
                    // The same words as ProcessBuilder's failure, which websocketd users' logs were matched on.
                    throw LibC.launchFailure("Cannot run program \"" + argv[0] + "\"", rc);
                }
                return pid[0];
            } finally {
                LibC.posix_spawn_file_actions_destroy(actions);
                LibC.posix_spawnattr_destroy(attr);
            }
        }
    }

    /**
     * A NULL-terminated {@code char *[]} of UTF-8 strings in one block: the pointers, then the strings.
     * posix_spawn has copied them into the child when it returns, so the caller frees the block at once.
     * (JNA's StringArray would leave one block per string for JNA's cleaner thread to free after a garbage
     * collection, and in a servlet container that thread must have nothing left when we are undeployed.)
     */
    private static Memory cStrings(String[] strings) {
        byte[][] bytes = new byte[strings.length][];
        long table = (strings.length + 1L) * Long.BYTES;
        long size = table;
        for (int i = 0; i < strings.length; i++) {
            bytes[i] = strings[i].getBytes(StandardCharsets.UTF_8);
            size += bytes[i].length + 1;
        }
        Memory block = new Memory(size);
        long base = Pointer.nativeValue(block);
        long at = table;
        for (int i = 0; i < strings.length; i++) {
            block.setLong((long) i * Long.BYTES, base + at);
            block.write(at, bytes[i], 0, bytes[i].length);
            block.setByte(at + bytes[i].length, (byte) 0);
            at += bytes[i].length + 1;
        }
        block.setLong((long) strings.length * Long.BYTES, 0);
        return block;
    }

    private static int[] pipe() throws IOException {
        int[] fds = new int[2];
        if (LibC.pipe2(fds, LibC.O_CLOEXEC) < 0) {
            throw LibC.launchFailure("pipe2", LibC.errno());
        }
        return fds;
    }

    private static PipeEnd nonBlocking(int fd) {
        int flags = LibC.fcntl(fd, LibC.F_GETFL, 0);
        LibC.fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK);
        return new PipeEnd(fd);
    }

    private static void check(String call, int rc) throws IOException {
        if (rc != 0) {
            throw LibC.launchFailure(call, rc);
        }
    }

    private static void closeAll(int[]... pipes) {
        for (int[] p : pipes) {
            if (p != null) {
                LibC.close(p[0]);
                LibC.close(p[1]);
            }
        }
    }
}
