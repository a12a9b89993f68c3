package io.procsocket.shared;

import io.procsocket.config.Config;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.Route;
import io.procsocket.log.GatewayLog;
import io.procsocket.process.CgiEnvironment;
import io.procsocket.process.ChildProcess;
import io.procsocket.process.OutputFramer;
import io.procsocket.process.OutputWatch;
import io.procsocket.process.StdinBacklog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * One run of a shared program: reads its stdout and stderr into frames for a sink, writes clients' lines to
 * its stdin, and reports once, with the exit status, when its output has ended and it has exited. The
 * stdout pipe is re-armed only while the sink has room, so the program runs at its fastest reader's pace
 * and nothing queues without bound; a sink that had no room says so later through {@link #roomAvailable}.
 */
public final class SharedChild {
    /** How long an exited program's stdout may stay open (held by a grandchild) before the group is ended. */
    private static final long EXIT_GRACE_MS = 100;

    private final Gateway gateway;
    private final Config config;
    private final ChildProcess child;
    private final OutputSink sink;
    private final GatewayLog log;
    private final OutputFramer stdoutFramer;
    private final OutputFramer stderrFramer;
    private final long startedAt = System.nanoTime();
    /** stdout waiting for room; whoever takes it out re-arms it (exactly once). */
    private final AtomicReference<OutputWatch> parked = new AtomicReference<>();
    private final CompletableFuture<Void> outputEnded = new CompletableFuture<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    /** Asked to end, or exited: read on regardless of room. */
    private volatile boolean ending;
    /** Its UNIQUE_ID: what it leaves outside its process group is ended when it ends (see OrphanReaper). */
    private final String id;

    private SharedChild(Gateway gateway, Config config, ChildProcess child, OutputSink sink, GatewayLog log, String id) {
        this.id = id;
        this.gateway = gateway;
        this.config = config;
        this.child = child;
        this.sink = sink;
        this.log = log;
        // A client is read for while its queue is under half of --shared-queue; a read of at most the other half
        // then never takes a client that keeps up over its bound (a line longer than that is the exception).
        this.stdoutFramer = OutputFramer.stdout(config, Math.max(1024, config.shared().queueBytes() / 2));
        this.stderrFramer = OutputFramer.stderr(config);
    }

    /**
     * Starts {@code command}; {@code ended} gets the exit status (on a process backend thread or the timer) once its
     * output has all gone to the sink and it has exited, or -1 if it outlives the kill sequence's bound.
     */
    public static SharedChild launch(Gateway gateway, Route route, String contextPath, OutputSink sink,
                                     GatewayLog log, IntConsumer ended) throws IOException {
        String id = gateway.openConnection();
        Config config = gateway.configFor(route);
        Map<String, String> env = CgiEnvironment.forSharedRoute(route, config, contextPath, id);
        ChildProcess child;
        try {
            child = gateway.metrics().route(route.label())
                    .launch(() -> gateway.processes().launch(route.command(), env, new StdinBacklog()));
        } catch (IOException | RuntimeException e) {
            gateway.connectionEnded(id);
            throw e;
        }
        gateway.track(child);
        SharedChild c = new SharedChild(gateway, config, child, sink, log.with("pid", Long.toString(child.pid())), id);
        try {
            c.start(ended);
        } catch (RuntimeException e) {
            // Shutting down: nothing would ever read it.
            child.kill();
            child.closePipes();
            gateway.untrack(child);
            gateway.connectionEnded(id);
            throw new IOException("server shutting down", e);
        }
        return c;
    }

    private void start(IntConsumer ended) {
        child.watchStdout(this::onStdout);
        child.watchStderr(this::onStderr);
        // A program that exits while a grandchild still holds its stdout open would otherwise keep the route
        // (and the grandchild) alive forever.
        child.onExit(status -> {
            // Whatever it printed last is read to the end now, room or not: the exit is only reported once its
            // output has ended, and a parked pipe would never get there.
            ending = true;
            roomAvailable();
            gateway.timer().schedule(this::stop, EXIT_GRACE_MS + config.closeMs(), TimeUnit.MILLISECONDS);
        });
        outputEnded.thenRun(() -> {
            // The whole group goes with the output, as a connection's own program's does.
            stop();
            ScheduledFuture<?> bound = gateway.timer().schedule(() -> finish(ended, -1),
                    2000 + 3 * config.closeMs(), TimeUnit.MILLISECONDS);
            child.onExit(status -> {
                bound.cancel(false);
                finish(ended, status);
            });
        });
    }

    private void finish(IntConsumer ended, int status) {
        if (finished.compareAndSet(false, true)) {
            gateway.untrack(child);
            gateway.connectionEnded(id);
            ended.accept(status);
        }
    }

    public long pid() {
        return child.pid();
    }

    /** How long it has run, for the restart backoff. */
    public long ranMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
    }

    /** The usual kill sequence, once (stdin closed, then INT, TERM, KILL to the group). */
    public void stop() {
        // Being ended: its stdout is read to EOF without waiting for room (clients may all be gone), or the end
        // would never be seen and the route would keep a dead program.
        ending = true;
        roomAvailable();
        child.terminate(config.closeMs(), gateway.timer());
    }

    /**
     * One client's message, whole, never waiting; false when more than {@code maxWaiting} bytes already wait
     * for the program to read them.
     */
    public boolean write(byte[] bytes, int off, int len, long maxWaiting) throws IOException {
        return child.offerStdin(bytes, off, len, maxWaiting);
    }

    /** The sink has room again: read on if stdout was waiting for it. */
    public void roomAvailable() {
        // Every client's every send calls this: a plain read first, the atomic swap only when it may win.
        if (parked.get() == null) {
            return;
        }
        OutputWatch r = parked.getAndSet(null);
        if (r != null) {
            r.rearm();
        }
    }

    /** Reactor thread. */
    private void onStdout(OutputWatch stdout) {
        List<Frame> frames = new ArrayList<>();
        OutputFramer.Outcome outcome;
        try {
            outcome = stdoutFramer.read(stdout, log, m -> frames.add(Frame.of(m)));
        } catch (RuntimeException e) {
            log.error("process", "stdout handling failed: %s", e);
            outcome = OutputFramer.Outcome.EOF;
        }
        if (!frames.isEmpty()) {
            sink.publish(frames);
        }
        switch (outcome) {
            case WOULD_BLOCK -> stdout.rearm();
            case EOF -> {
                stdout.close();
                outputEnded.complete(null);
            }
            default -> pace(stdout);
        }
    }

    private void pace(OutputWatch stdout) {
        if (ending || sink.hasRoom()) {
            stdout.rearm();
            return;
        }
        parked.set(stdout);
        // Room may have been made between the check and parking, with nobody parked to wake: check again.
        if (ending || sink.hasRoom()) {
            roomAvailable();
        }
    }

    /** Reactor thread. stderr is not paced: its lines go to the log, and with --passstderr to the sink. */
    private void onStderr(OutputWatch stderr) {
        List<Frame> frames = new ArrayList<>();
        OutputFramer.Outcome outcome = stderrFramer.read(stderr, log, m -> frames.add(Frame.of(m)));
        if (!frames.isEmpty()) {
            sink.publish(frames);
        }
        if (outcome == OutputFramer.Outcome.EOF) {
            stderr.close();
        } else {
            stderr.rearm();
        }
    }
}
