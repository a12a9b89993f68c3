package io.procsocket.process;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Starts and watches programs: the native backend (posix_spawn, epoll and pidfd through JNA, 64-bit Linux with
 * glibc 2.34+) or the portable one (the JDK's ProcessBuilder and ProcessHandle, anywhere). {@link ProcessBackends}
 * picks one at start-up.
 */
public interface ProcessBackend {
    /** "native" or "portable", as -Dprocsocket.processes names them. */
    String name();

    /** How it starts and watches programs here, for the start-up line. */
    String description();

    /**
     * Starts {@code command} with exactly {@code environment}; {@code backlog} is the front door's view of its stdin
     * (see {@link StdinBacklog}). A program that cannot be started is a {@link LaunchFailure}.
     */
    ChildProcess launch(List<String> command, Map<String, String> environment, StdinBacklog backlog) throws IOException;

    /** Connection {@code id} (its programs' UNIQUE_ID) exists; call before its program starts. */
    void connectionOpened(String id);

    /** Connection {@code id} is over: whatever it left outside its tree may be ended. */
    void connectionEnded(String id);

    /**
     * In a servlet container, before the shutdown hook is needed: load now every class the kill path uses, since
     * the container may have closed our class loader by the time the hook runs.
     */
    void prepareForShutdown();

    /** Every child is gone: stop the backend's threads. */
    void close();

    /** The web application is being undeployed and none of our threads runs any more: let go of native code. */
    void release();
}
