package io.procsocket.shared;

import io.procsocket.config.Config;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.Route;
import io.procsocket.log.GatewayLog;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A shared route on one instance: the program's lifecycle (start with the first client, end --shared-linger
 * after the last, or with --shared-always run from the start and restart with backoff) and its output fanned
 * out to this instance's {@link Audience}.
 *
 * Lifecycle state is guarded by {@code this}; nothing is sent while holding it (members are closed after
 * it is let go), and the audience's own lock is never held while taking it.
 */
public final class LocalSharedProcess implements SharedProcess {
    private final Gateway gateway;
    private final Config.Shared options;
    private final Route route;
    private final String contextPath;
    private final Audience audience;
    private final ClientPlaces places;
    private final GatewayLog log;
    /** Told whenever this may have become idle, so the route can retire it (and give back its fork slot). */
    private final Consumer<SharedProcess> mayBeIdle;
    private final RestartBackoff backoff = new RestartBackoff();
    private final OutputSink sink;

    private volatile SharedChild current;
    /** We are ending {@link #current} because nobody watches (not the program's own doing). */
    private boolean stopping;
    private ScheduledFuture<?> linger;
    private ScheduledFuture<?> restart;
    private boolean always;
    private boolean retired;
    private boolean closed;

    public LocalSharedProcess(Gateway gateway, Route route, String contextPath, Consumer<SharedProcess> mayBeIdle) {
        this.gateway = gateway;
        this.options = gateway.configFor(route).shared();
        this.route = route;
        this.contextPath = contextPath;
        this.mayBeIdle = mayBeIdle;
        this.always = options.always();
        this.audience = new Audience(options.replay(), Audience.replayBytes(options));
        this.places = new ClientPlaces(options.maxClients());
        this.log = GatewayLog.root().with("url", contextPath + route.scriptName()).with("command", route.label());
        this.audience.onRoom(() -> {
            SharedChild c = current;
            if (c != null) {
                c.roomAvailable();
            }
        });
        this.sink = new OutputSink() {
            @Override
            public void publish(List<Frame> frames) {
                audience.broadcast(frames);
            }

            @Override
            public boolean hasRoom() {
                return audience.hasRoom();
            }
        };
    }

    @Override
    public synchronized boolean tryReserve() {
        return !retired && !closed && places.take();
    }

    @Override
    public void unreserve() {
        places.giveBack();
        mayBeIdle.accept(this);
    }

    @Override
    public void join(Member member) {
        // Into the audience before the lifecycle looks: if the program is ending right now, either this member is
        // among those it closes, or it joined after and the check below starts a new one.
        audience.join(member);
        Member[] failed;
        synchronized (this) {
            if (linger != null) {
                linger.cancel(false);
                linger = null;
            }
            failed = ensureRunning();
        }
        endAll(failed, Member.LAUNCH_FAILED);
    }

    @Override
    public void leave(Member member) {
        int left = audience.leave(member);
        synchronized (this) {
            places.giveBack();
            if (left == 0 && !always && current != null && !stopping && linger == null) {
                if (options.lingerMs() == 0) {
                    stopUnwatched();
                } else {
                    linger = schedule(() -> {
                        synchronized (this) {
                            linger = null;
                            if (audience.size() == 0 && current != null && !stopping) {
                                stopUnwatched();
                            }
                        }
                    }, options.lingerMs());
                }
            }
        }
        mayBeIdle.accept(this);
    }

    /** Holding the lock. */
    private void stopUnwatched() {
        stopping = true;
        log.debug("process", "No clients left: ending the shared process");
        current.stop();
    }

    @Override
    public void roomMade() {
        audience.roomMade();
    }

    @Override
    public Input write(Member from, byte[] bytes, int off, int len) {
        if (options.input() == Config.SharedInput.NONE) {
            return Input.READ_ONLY;
        }
        SharedChild c = current;
        if (c == null) {
            return Input.NOT_RUNNING;
        }
        try {
            return c.write(bytes, off, len, options.queueBytes()) ? Input.WRITTEN : Input.FULL;
        } catch (IOException e) {
            return Input.NOT_RUNNING;
        }
    }

    @Override
    public void startNow() {
        Member[] failed;
        synchronized (this) {
            always = true;
            failed = ensureRunning();
        }
        endAll(failed, Member.LAUNCH_FAILED);
    }

    @Override
    public synchronized boolean retireIfIdle() {
        if (retired || places.any() || current != null || restart != null || always || audience.size() > 0) {
            return false;
        }
        retired = true;
        return true;
    }

    @Override
    public int clients() {
        return audience.size();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (linger != null) {
                linger.cancel(false);
            }
            if (restart != null) {
                restart.cancel(false);
            }
        }
        for (Member m : audience.removeAll()) {
            m.shutDown();
        }
    }

    /**
     * Holding the lock: starts the program unless it runs, is about to restart or the server is closing.
     * Returns the members to close when it cannot be started (and will not be retried), else null.
     */
    private Member[] ensureRunning() {
        if (closed || current != null || restart != null) {
            return null;
        }
        try {
            SharedChild[] self = new SharedChild[1];
            self[0] = SharedChild.launch(gateway, route, contextPath, sink, log, status -> exited(self[0], status));
            current = self[0];
            log.access("process", "Shared process started (pid %d)", current.pid());
            return null;
        } catch (IOException | RuntimeException e) {
            log.error("process", "Could not launch process %s (%s)", String.join(" ", route.command()), e.getMessage());
            if (always && !closed) {
                scheduleRestart(0);
                return null;
            }
            return audience.removeAll();
        }
    }

    /** The program's output has ended and it has exited (on a process backend thread or the timer). */
    private void exited(SharedChild child, int status) {
        Member[] ended = null;
        int endedWith = status;
        synchronized (this) {
            if (current != child) {
                return;
            }
            current = null;
            log.access("process", "Shared process exited with status %d (pid %d)", status, child.pid());
            if (closed) {
                return;
            }
            if (stopping) {
                stopping = false;
                // Someone joined while it was being ended: they get a new one.
                if (audience.size() > 0 || always) {
                    ended = ensureRunning();
                    endedWith = Member.LAUNCH_FAILED;
                }
            } else if (always) {
                scheduleRestart(child.ranMillis());
            } else {
                ended = audience.removeAll();
            }
        }
        endAll(ended, endedWith);
        mayBeIdle.accept(this);
    }

    /** Holding the lock. */
    private void scheduleRestart(long ranMs) {
        long delay = backoff.afterExit(ranMs);
        log.access("process", "Restarting the shared process in %d ms", delay);
        restart = schedule(() -> {
            Member[] failed;
            synchronized (this) {
                restart = null;
                failed = ensureRunning();
            }
            endAll(failed, Member.LAUNCH_FAILED);
        }, delay);
    }

    private ScheduledFuture<?> schedule(Runnable task, long ms) {
        try {
            return gateway.timer().schedule(task, ms, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null; // shutting down
        }
    }

    /** Outside the lock: every member given is closed as its program's end would close it. */
    private static void endAll(Member[] members, int status) {
        if (members == null) {
            return;
        }
        for (Member m : members) {
            m.processEnded(status);
        }
    }
}
