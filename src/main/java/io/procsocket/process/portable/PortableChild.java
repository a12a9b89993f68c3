package io.procsocket.process.portable;

import io.procsocket.process.ChildProcess;
import io.procsocket.process.OutputWatch;
import io.procsocket.process.Signal;
import io.procsocket.process.StdinBacklog;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;

/**
 * One program of the portable backend: a JDK {@link Process} with a thread for each pipe in use (stdout and stderr
 * once watched, stdin from its first message) besides the JDK's own reaper thread for it, and its tree reached
 * through {@link ProcessTree}.
 */
final class PortableChild extends ChildProcess {
    private static final System.Logger LOG = System.getLogger(PortableChild.class.getName());

    private final Process process;
    private final StdinWriter stdin;
    private final ProcessTree tree;
    private final Executor signaller;
    private final StdinBacklog backlog;
    private final Platform platform;
    private volatile OutputPump stdoutPump;
    private volatile OutputPump stderrPump;

    PortableChild(Process process, StdinBacklog backlog, Platform platform, Executor signaller) {
        super(process.pid());
        this.process = process;
        this.backlog = backlog;
        this.platform = platform;
        this.signaller = signaller;
        this.stdin = new StdinWriter(process.getOutputStream(), backlog, "procsocket-stdin-" + process.pid());
        this.tree = new ProcessTree(process.toHandle(), platform);
        // The JDK reports a death by signal as 128 + the signal, as the native backend does, and exit(130) the same.
        process.onExit().thenAccept(p -> exited(p.exitValue(), platform.windows() ? 0 : signalOf(p.exitValue())));
    }

    @Override
    public void writeStdin(byte[] bytes, int off, int len) throws IOException {
        stdin.write(bytes, off, len);
    }

    @Override
    public boolean offerStdin(byte[] bytes, int off, int len, long maxWaiting) throws IOException {
        return stdin.offer(bytes, off, len, maxWaiting);
    }

    @Override
    public void endStdin() {
        stdin.finish();
    }

    @Override
    public void closeStdin() {
        stdin.close();
    }

    @Override
    public long stdinBlockedNanos() {
        return backlog.waitingNanos();
    }

    @Override
    public void watchStdout(OutputWatch.Handler handler) {
        stdoutPump = OutputPump.start(process.getInputStream(), "procsocket-stdout-" + pid(), handler);
    }

    @Override
    public void watchStderr(OutputWatch.Handler handler) {
        stderrPump = OutputPump.start(process.getErrorStream(), "procsocket-stderr-" + pid(), handler);
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return process.getErrorStream();
    }

    @Override
    protected boolean signalTree(Signal signal) {
        return tree.signal(signal);
    }

    @Override
    protected Executor signaller() {
        return signaller;
    }

    @Override
    public boolean treeAlive() {
        return tree.alive();
    }

    @Override
    public void closePipes() {
        closeStdin();
        close(stdoutPump, process.getInputStream());
        close(stderrPump, process.getErrorStream());
    }

    /** A watched pipe is its pump's to close (a read may be under way); one nobody reads is closed here. */
    private static void close(OutputPump pump, InputStream stream) {
        if (pump != null) {
            pump.close();
            return;
        }
        try {
            stream.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing a child's output: " + e.getMessage());
        }
    }

    /** Windows has no signals: TERM and KILL both end the process, and nothing else can be sent. */
    @Override
    protected boolean canSend(Signal signal) {
        return !platform.windows() || signal == Signal.TERM || signal == Signal.KILL;
    }

    /** A JDK exit value over 128 read as death by that signal (the JDK reports exit(130) the same way). */
    static int signalOf(int exitValue) {
        return exitValue > 128 && exitValue < 128 + 65 ? exitValue - 128 : 0;
    }
}
