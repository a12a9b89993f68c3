package io.procsocket.process.linux;

import io.procsocket.process.ChildProcess;
import io.procsocket.process.ProcessBackend;
import io.procsocket.process.StdinBacklog;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The fast path: every child started with one posix_spawn in a session of its own, all their pipes and exits on
 * one epoll thread, and standalone the JVM as the subreaper of whatever leaves a child's process group. Loads only
 * on 64-bit Linux with glibc 2.34 or later and a kernel with pidfd_open (5.3); {@link #start} says why not.
 */
public final class NativeBackend implements ProcessBackend {
    private final OrphanReaper orphans;
    private final PipeReactor reactor;
    private final ProcessGroupLauncher launcher;

    private NativeBackend(OrphanReaper orphans, PipeReactor reactor) {
        this.orphans = orphans;
        this.reactor = reactor;
        this.launcher = new ProcessGroupLauncher(() -> reactor);
    }

    /**
     * Binds libc and starts the reactor; throws (with the reason in the message) where that cannot be done.
     * {@code ownsJvm}: standalone, the JVM is ours and becomes the subreaper of orphans; in a container it is not.
     */
    public static NativeBackend start(boolean ownsJvm, long closeMs) {
        LibC.requirePidfd();
        OrphanReaper orphans = ownsJvm ? OrphanReaper.standalone(closeMs) : OrphanReaper.none();
        // Before any child can be launched: an orphan made earlier would go to init.
        orphans.start();
        return new NativeBackend(orphans, new PipeReactor("procsocket-pipes"));
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public String description() {
        return "posix_spawn, epoll and pidfd through JNA, no thread per program";
    }

    @Override
    public ChildProcess launch(List<String> command, Map<String, String> environment, StdinBacklog backlog)
            throws IOException {
        return launcher.launch(command, environment, backlog);
    }

    @Override
    public void connectionOpened(String id) {
        orphans.opened(id);
    }

    @Override
    public void connectionEnded(String id) {
        orphans.ended(id);
    }

    @Override
    public void prepareForShutdown() {
        // Signal 0 delivers nothing; the JVM's own pid as a group id, or 2 when the JVM is PID 1 in a container
        // image. It loads every class the kill path needs, JNA's included.
        Signals.groupAlive(Math.max(2, ProcessHandle.current().pid()));
    }

    /** After the connections have finished: orphans can outlive the reactor (the reaper has its own thread). */
    @Override
    public void close() {
        orphans.close();
        reactor.close();
    }

    @Override
    public void release() {
        Signals.release();
    }
}
