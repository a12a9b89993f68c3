package io.procsocket.process.linux;

import io.procsocket.log.GatewayLog;
import io.procsocket.process.KillSequence;
import io.procsocket.process.Signal;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ends what a program leaves running outside its process group. The kill sequence reaches the whole group
 * a program leads; a descendant that calls setsid(2) or setpgid(2) leaves it, and once its parent exits it
 * is an orphan. Standalone, the JVM makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so such
 * orphans are reparented to the JVM instead of to init, and this class ends those whose connection has
 * ended and reaps every orphan that exits.
 *
 * <p>Which connection an orphan belongs to comes from its environment: every program gets its connection's
 * UNIQUE_ID and descendants inherit it. It is read once per process from /proc/PID/environ, and it must be
 * an id this JVM issued: a process started by other code in the JVM (ProcessBuilder) carries the JVM's own
 * environment, and so does every orphan of its descendants. Such processes, and any without a UNIQUE_ID
 * of ours (one that cleared its environment), are never signalled, only reaped once they exit, which we owe
 * them as their new parent. A connection's orphans are ended only after the connection has ended, so a
 * daemon a script starts with {@code setsid -f} (reparented to us at once) runs as long as its connection.
 *
 * <p>Not in a servlet container: there the JVM belongs to the container, and the orphans of every other
 * application's processes would be reparented to it. There a descendant that leaves its process group
 * outlives its connection.
 *
 * <p>One thread for the whole JVM does all of it (one subreaper, many gateways in tests): a sweep reads
 * the JVM's children from /proc/JVM/task/TID/children (the whole of /proc on kernels without
 * CONFIG_PROC_CHILDREN) and, for children that are not one of ours, /proc/PID/stat and, once, environ. It
 * sweeps when a connection ends, every {@link #PERIOD_MS} ms for processes reparented later, and every
 * {@link #FOLLOW_UP_MS} ms while an orphan is being ended; never more often than ten times its own duration
 * so it cannot take much of a core. The gateway's reactor and timer threads never wait for it.
 */
public final class OrphanReaper {
    /** Slow sweeps, for processes orphaned after their connection's own sweep (a daemon's later children). */
    static final long PERIOD_MS = 2000;
    /** While an orphan is being ended: how soon to look again whether it has died (to reap it) or needs SIGKILL. */
    static final long FOLLOW_UP_MS = 20;
    /** Least time between two sweeps asked for by connections ending. */
    private static final long MIN_GAP_MS = 100;
    /**
     * A zombie whose lineage we never learnt (it died before a sweep saw it alive) may be the child of other
     * code, whose own waitpid takes it within microseconds (the JDK's reaper thread is already blocked in
     * waitpid for it). One still a zombie this long later has nobody else waiting for it.
     */
    static final long ZOMBIE_GRACE_MS = 1000;

    private static final OrphanReaper NONE = new OrphanReaper(null);

    private final Jvm jvm;

    private OrphanReaper(Jvm jvm) {
        this.jvm = jvm;
    }

    /** In a servlet container: does nothing at all. */
    public static OrphanReaper none() {
        return NONE;
    }

    /**
     * For one standalone gateway. The JVM becomes a subreaper at the first {@link #start()}; orphans get
     * the kill sequence's SIGTERM and, {@code closeMs} (the largest of any gateway here) plus 500 ms later,
     * SIGKILL.
     */
    public static OrphanReaper standalone(long closeMs) {
        Jvm jvm = Jvm.get();
        jvm.closeMs.accumulateAndGet(closeMs, Math::max);
        return new OrphanReaper(jvm);
    }

    /**
     * Makes the JVM a child subreaper and starts sweeping, once per JVM. Call before the first child is
     * started: an orphan made before it goes to init.
     */
    public void start() {
        if (jvm != null) {
            jvm.start();
        }
    }

    /**
     * Connection {@code id} exists; call before its program starts, so its orphans (which may exist before
     * the launcher returns) are never taken for an ended connection's.
     */
    public void opened(String id) {
        if (jvm != null) {
            jvm.opened(id, this);
        }
    }

    /** Connection {@code id} has ended: what it left behind is ended soon. */
    public void ended(String id) {
        if (jvm != null && jvm.open.remove(id, this)) {
            jvm.requestSweep();
        }
    }

    /**
     * The gateway is closing: every connection still open here counts as ended, and this returns once the
     * orphans being ended are gone and reaped (at most the SIGKILL delay and a little more).
     */
    public void close() {
        if (jvm == null) {
            return;
        }
        jvm.open.values().removeIf(owner -> owner == this);
        jvm.awaitQuiet(Duration.ofMillis(jvm.killDelayMs() + 1500));
    }

    /** Tests: returns once a sweep that started after this call has finished; false if none did in time. */
    static boolean awaitSweep(Duration bound) {
        return Jvm.get().awaitSweep(bound);
    }

    /** The JVM-wide part: one subreaper, one thread, one set of open connections for every gateway. */
    private static final class Jvm {
        private static Jvm instance;

        final ConcurrentHashMap<String, OrphanReaper> open = new ConcurrentHashMap<>();
        final AtomicLong closeMs = new AtomicLong();
        /** Every id the gateways here issued lies in this range (they are increasing wall-clock nanoseconds). */
        private final AtomicLong firstId = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong lastId = new AtomicLong(Long.MIN_VALUE);
        private final int self = (int) ProcessHandle.current().pid();
        /** Under a websocketd (or another Procsocket) the JVM has a UNIQUE_ID of its own: never one of ours. */
        private final String inheritedId = System.getenv("UNIQUE_ID");
        private final Path tasks = Path.of("/proc", Integer.toString(self), "task");
        private final ScheduledThreadPoolExecutor thread;
        private boolean started;
        private volatile boolean active;
        private volatile long nextSweepAllowed = System.nanoTime();

        // Confined to the reaper thread once started.
        private final Map<Integer, Orphan> known = new HashMap<>();
        private int session;
        private boolean childrenFiles;
        private boolean followUpQueued;
        private boolean zombieCheckQueued;

        private final Object progress = new Object();
        private boolean sweepQueued;
        private long sweepsStarted;
        private long sweepsFinished;
        private int ending;

        private Jvm() {
            thread = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(null, r, "procsocket-orphans", 256 * 1024);
                t.setDaemon(true);
                return t;
            });
            thread.setRemoveOnCancelPolicy(true);
        }

        static synchronized Jvm get() {
            if (instance == null) {
                instance = new Jvm();
            }
            return instance;
        }

        synchronized void start() {
            if (started) {
                return;
            }
            started = true;
            // Everything a sweep needs is checked before becoming a subreaper: a subreaper that cannot sweep
            // would collect every orphan of the JVM's descendants as a zombie.
            ProcFs.Stat me = ProcFs.Stat.read(self);
            if (me == null) {
                GatewayLog.root().error("server", "Cannot read /proc/%d/stat; processes that leave their process "
                        + "group will outlive their connection", self);
                return;
            }
            session = me.session();
            childrenFiles = Files.isReadable(tasks.resolve(Integer.toString(self)).resolve("children"));
            if (LibC.prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
                GatewayLog.root().error("server", "Cannot become a child subreaper (%s); processes that leave their "
                        + "process group will outlive their connection", LibC.describe(LibC.errno()));
                return;
            }
            active = true;
            thread.scheduleWithFixedDelay(this::requestSweep, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        }

        void opened(String id, OrphanReaper owner) {
            open.put(id, owner);
            try {
                long n = Long.parseLong(id);
                firstId.accumulateAndGet(n, Math::min);
                lastId.accumulateAndGet(n, Math::max);
            } catch (NumberFormatException e) {
                // Not an id the gateway makes; nothing to widen.
            }
        }

        long killDelayMs() {
            return KillSequence.steps(closeMs.get()).stream().filter(s -> s.signal() == Signal.KILL)
                    .findFirst().orElseThrow().delay().toMillis();
        }

        /**
         * Asks for a sweep and returns how many had started when asking: any sweep numbered higher starts
         * after this call, and one is sure to come (queued here, or queued already and not yet started).
         */
        long requestSweep() {
            synchronized (progress) {
                if (active && !sweepQueued) {
                    sweepQueued = true;
                    thread.schedule(this::sweep, Math.max(0, nextSweepAllowed - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
                return sweepsStarted;
            }
        }

        boolean awaitSweep(Duration bound) {
            long asked = requestSweep();
            long deadline = System.nanoTime() + bound.toNanos();
            synchronized (progress) {
                long left;
                while (sweepsFinished <= asked) {
                    if (!active || (left = deadline - System.nanoTime()) <= 0) {
                        return false;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(progress, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                return true;
            }
        }

        /** Until a sweep that started after this call has run and nothing is being ended any more. */
        void awaitQuiet(Duration bound) {
            if (!active) {
                return;
            }
            long asked = requestSweep();
            long deadline = System.nanoTime() + bound.toNanos();
            synchronized (progress) {
                long left;
                while (!(sweepsFinished > asked && ending == 0 && !sweepQueued)
                        && (left = deadline - System.nanoTime()) > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(progress, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        private void sweep() {
            synchronized (progress) {
                sweepQueued = false;
                sweepsStarted++;
            }
            long start = System.nanoTime();
            try {
                scan(start);
            } catch (IOException | RuntimeException e) {
                // The next sweep tries again; one failed read must not stop the reaping.
                System.getLogger(OrphanReaper.class.getName()).log(Level.WARNING, "orphan sweep failed", e);
            } finally {
                nextSweepAllowed = System.nanoTime()
                        + Math.max(TimeUnit.MILLISECONDS.toNanos(MIN_GAP_MS), 10 * (System.nanoTime() - start));
                settle(true);
            }
        }

        private void scan(long now) throws IOException {
            Set<Integer> children = ProcFs.childrenOf(self, childrenFiles ? tasks : null);
            // Ending orphans stay until followUp sees them reaped: a children file may miss a process for a moment.
            known.entrySet().removeIf(e -> !children.contains(e.getKey()) && !e.getValue().ending);
            for (int pid : children) {
                if (NativeChild.unreaped(pid)) {
                    known.remove(pid);
                    continue;
                }
                ProcFs.Stat st = ProcFs.Stat.read(pid);
                if (st == null || st.ppid() != self) {
                    known.remove(pid);
                    continue;
                }
                Orphan o = known.get(pid);
                if (o == null || o.start != st.start()) {
                    o = identify(pid, st);
                    if (o == null) {
                        continue; // its environment could not be read just now (exec in progress): next sweep
                    }
                    known.put(pid, o);
                }
                if (visit(pid, o, st, now)) {
                    known.remove(pid);
                }
            }
        }

        /**
         * Whose it is, or null to ask again later. Sessions are inherited or created, never joined, so a
         * process in the JVM's own session cannot descend from one of our programs (each leads a new one).
         *
         * Ordering: a program's pid enters NativeChild's set only after posix_spawn returns, so a sweep can
         * meet a program we are still starting. Before exec it shares the JVM's memory, so its environ is the
         * JVM's (no id of ours); after exec its id is already open (the gateway opens it before launching).
         * Either way it is never signalled, and reaping waits for the zombie grace, by which time the set
         * has it.
         */
        private Orphan identify(int pid, ProcFs.Stat st) {
            if (st.zombie() || st.session() == session) {
                return new Orphan(st.start(), null);
            }
            String id;
            try {
                id = ProcFs.environmentValue(pid, "UNIQUE_ID");
            } catch (AccessDeniedException e) {
                id = null; // a set-user-ID program: not ours to read, so not ours to end
            } catch (IOException e) {
                return null;
            }
            return new Orphan(st.start(), id != null && issuedHere(id) ? id : null);
        }

        private boolean issuedHere(String id) {
            if (id.equals(inheritedId)) {
                return false;
            }
            try {
                long n = Long.parseLong(id);
                return n >= firstId.get() && n <= lastId.get();
            } catch (NumberFormatException e) {
                return false;
            }
        }

        /**
         * One look at one orphan: reap it if it has exited, end it if its connection has. True once it is
         * reaped. Signals go only to our own unreaped children (its PPid is us, read just now): nobody else
         * can reap such a process, so its pid, and its group's id while it leads the group, cannot have been
         * reused for another process.
         */
        private boolean visit(int pid, Orphan o, ProcFs.Stat st, long now) {
            if (st.zombie()) {
                if (o.id != null || (o.zombieSeen && now - o.zombieSince >= TimeUnit.MILLISECONDS.toNanos(ZOMBIE_GRACE_MS))) {
                    return reap(pid);
                }
                if (!o.zombieSeen) {
                    o.zombieSeen = true;
                    o.zombieSince = now;
                    checkZombiesLater();
                }
                return false;
            }
            if (o.id == null) {
                return false;
            }
            if (!o.ending) {
                if (open.containsKey(o.id)) {
                    return false;
                }
                // SIGTERM first, not the SIGINT of the kill sequence: a program started with & by a
                // non-interactive shell ignores SIGINT (POSIX), which is how daemons are usually started, and
                // there is no stdin of ours to close. The SIGKILL comes after the sequence's TERM→KILL wait.
                signal(pid, st, Signals.SIGTERM);
                o.ending = true;
                o.killAt = now + TimeUnit.MILLISECONDS.toNanos(killDelayMs());
                log(o, pid).debug("process", "Connection has ended; sent SIGTERM to a process it left outside its "
                        + "process group");
            } else if (!o.killed && now - o.killAt >= 0) {
                signal(pid, st, Signals.SIGKILL);
                o.killed = true;
                log(o, pid).debug("process", "Orphaned process still running after SIGTERM; sent SIGKILL");
            }
            return false;
        }

        /** The orphan and, when it leads its process group, the rest of that group with it. */
        private static void signal(int pid, ProcFs.Stat st, int signal) {
            LibC.kill(st.pgrp() == pid ? -pid : pid, signal);
        }

        /** Waits for one exited orphan, by pid: never waitpid(-1), which could take one of our programs. */
        private boolean reap(int pid) {
            int[] status = new int[1];
            int rc = LibC.reapNow(pid, status);
            if (rc == 0) {
                return false;
            }
            // What it had started is reparented to us now that it is gone: look at those soon.
            requestSweep();
            return true;
        }

        private void followUp() {
            followUpQueued = false;
            long now = System.nanoTime();
            for (Iterator<Map.Entry<Integer, Orphan>> it = known.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Integer, Orphan> e = it.next();
                Orphan o = e.getValue();
                if (!o.ending) {
                    continue;
                }
                ProcFs.Stat st = ProcFs.Stat.read(e.getKey());
                if (st == null || st.ppid() != self || st.start() != o.start || visit(e.getKey(), o, st, now)) {
                    it.remove(); // reaped, here or by a waitpid(-1) elsewhere in the JVM
                }
            }
            settle(false);
        }

        private void checkZombiesLater() {
            if (!zombieCheckQueued) {
                zombieCheckQueued = true;
                thread.schedule(() -> {
                    zombieCheckQueued = false;
                    requestSweep();
                }, ZOMBIE_GRACE_MS, TimeUnit.MILLISECONDS);
            }
        }

        /** After a sweep or follow-up: look again soon while anything is being ended; tell awaitQuiet. */
        private void settle(boolean sweptNow) {
            int n = 0;
            for (Orphan o : known.values()) {
                if (o.ending) {
                    n++;
                }
            }
            if (n > 0 && !followUpQueued) {
                followUpQueued = true;
                thread.schedule(this::followUp, FOLLOW_UP_MS, TimeUnit.MILLISECONDS);
            }
            synchronized (progress) {
                if (sweptNow) {
                    sweepsFinished++;
                }
                ending = n;
                progress.notifyAll();
            }
        }

        private static GatewayLog log(Orphan o, int pid) {
            return GatewayLog.root().with("id", o.id).with("pid", Integer.toString(pid));
        }
    }

    /** What a sweep learnt about one of the JVM's children that is not one of our programs. */
    private static final class Orphan {
        /** Its start time: with the pid, names exactly one process. */
        final long start;
        /** The UNIQUE_ID of the connection of ours it belongs to, or null: then it is never signalled. */
        final String id;
        boolean zombieSeen;
        long zombieSince;
        boolean ending;
        long killAt;
        boolean killed;

        Orphan(long start, String id) {
            this.start = start;
            this.id = id;
        }
    }
}
