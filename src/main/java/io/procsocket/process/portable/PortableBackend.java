package io.procsocket.process.portable;

import io.procsocket.process.ChildProcess;
import io.procsocket.process.LaunchFailure;
import io.procsocket.process.ProcessBackend;
import io.procsocket.process.StdinBacklog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Programs through the JDK alone ({@link ProcessBuilder}, {@link ProcessHandle}): runs wherever Java does (macOS,
 * Windows, Alpine's musl, old glibc) and needs no native library, at the cost of threads: per connection one for
 * stdout, one for stderr, one for stdin once the client has sent something, and the JDK's reaper, where the native
 * backend uses none. Signals that may run kill(1) go out on a small pool of its own, never on the gateway's timer.
 */
public final class PortableBackend implements ProcessBackend {
    /** Signalling threads: each kill(1) takes a millisecond or two, and the timer must never wait for one. */
    private static final int SIGNALLERS = 2;
    /** Each child has at most one step waiting, so this is only reached by more children than any server runs. */
    private static final int SIGNAL_QUEUE = 16_384;

    private final Platform platform;
    private final ThreadPoolExecutor signaller;

    private PortableBackend(Platform platform) {
        this.platform = platform;
        AtomicInteger n = new AtomicInteger();
        this.signaller = new ThreadPoolExecutor(SIGNALLERS, SIGNALLERS, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(SIGNAL_QUEUE), r -> {
                    Thread t = new Thread(null, r, "procsocket-signals-" + n.incrementAndGet(), 256 * 1024);
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        // An idle server keeps no signalling thread.
        this.signaller.allowCoreThreadTimeOut(true);
    }

    public static PortableBackend start() {
        return new PortableBackend(Platform.detect());
    }

    @Override
    public String name() {
        return "portable";
    }

    @Override
    public String description() {
        return "ProcessBuilder, a thread per pipe; " + platform.describe();
    }

    @Override
    public ChildProcess launch(List<String> command, Map<String, String> environment, StdinBacklog backlog)
            throws IOException {
        Map<String, String> jvm = platform.environment();
        List<String> argv = new ArrayList<>();
        if (platform.windows()) {
            argv.addAll(CommandResolver.windows(command, jvm.get("PATH"), jvm.get("PATHEXT"), jvm.get("ComSpec"),
                    CommandResolver.FILES));
        } else {
            if (platform.groups()) {
                // setsid(1) calls setsid(2) and execs the program in the same process: the pid we get leads a new
                // session and process group. (It would fork first only if it led a group already, and a fresh
                // child of the JVM never does.)
                argv.add(platform.setsid());
            }
            argv.addAll(CommandResolver.unix(command, jvm.get("PATH"), CommandResolver.FILES));
        }
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().clear();
        builder.environment().putAll(environment);
        if (platform.windows() && jvm.get("SystemRoot") != null) {
            // Without it Windows programs fail in odd ways (Winsock, crypto); it says nothing about the client.
            builder.environment().putIfAbsent("SystemRoot", jvm.get("SystemRoot"));
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw LaunchFailure.fromJdk(e);
        }
        return new PortableChild(process, backlog, platform, signaller);
    }

    /** Nothing outside a child's tree is followed here (no subreaper without native code). */
    @Override
    public void connectionOpened(String id) {
    }

    @Override
    public void connectionEnded(String id) {
    }

    /** There is no native code to bind, only our classes of the kill path to load while loading still works. */
    @Override
    public void prepareForShutdown() {
        for (Class<?> c : List.of(PortableChild.class, ProcessTree.class, StdinWriter.class, OutputPump.class,
                io.procsocket.process.KillSequence.class, io.procsocket.process.Signal.class)) {
            try {
                Class.forName(c.getName(), true, c.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        signaller.shutdown();
        try {
            if (!signaller.awaitTermination(2, TimeUnit.SECONDS)) {
                signaller.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            signaller.shutdownNow();
        }
    }

    @Override
    public void release() {
    }
}
