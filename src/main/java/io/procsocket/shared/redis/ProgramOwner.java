package io.procsocket.shared.redis;

import io.procsocket.config.Config;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.Route;
import io.procsocket.log.GatewayLog;
import io.procsocket.shared.Frame;
import io.procsocket.shared.Member;
import io.procsocket.shared.OutputSink;
import io.procsocket.shared.RestartBackoff;
import io.procsocket.shared.SharedChild;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

/**
 * This instance's part in running one route's program for the whole cluster: holding the lease, running the
 * program while any instance has clients (or always), publishing its output, feeding it the clients' input, and
 * ending it as a per-connection program ends. Lifecycle state is the bus writer's thread's alone; the reader's
 * thread feeds stdin; the pipe reactor publishes output. Only the fields read across those are volatile.
 */
final class ProgramOwner {
    /** Input up to this old when a program starts is still given to it (sent while it was being started). */
    static final long INPUT_GRACE_MS = 10_000;
    /** Output on its way to Redis past which stdout is no longer read (the program waits, as for a slow client). */
    private static final int ROOM_ENTRIES = 32;
    private static final long ROOM_BYTES = 512 * 1024;
    /** Past this (stderr is not paced) output is dropped rather than queued. */
    private static final int MAX_ENTRIES = 4 * ROOM_ENTRIES;
    private static final long MAX_BYTES = 4 * ROOM_BYTES;
    /** Clients whose message did not fit, remembered so their later messages are dropped too. */
    private static final int MAX_REFUSED = 1024;

    private final RedisBus bus;
    private final Gateway gateway;
    private final RouteKeys keys;
    private final Route route;
    private final String contextPath;
    private final Config.Shared options;
    private final GatewayLog log;
    /** Whether it is --shared-always, whether it is going, and told when it may be idle (writer's thread). */
    private final RedisSharedProcess process;
    private final OutputSink sink = new Publisher();
    private final AtomicInteger inFlightEntries = new AtomicInteger();
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    // The writer's thread.
    private RestartBackoff backoff = new RestartBackoff();
    private long renewedAt;
    private long lingerFrom = -1;
    private long restartAt = -1;
    private boolean stopping;
    private volatile boolean holds;
    private volatile SharedChild child;

    // The reader's thread (set by the writer before holds is).
    private volatile StreamEntryID inRead;
    /** The last input entry given to a program: where the next owner reads on from. */
    private volatile StreamEntryID inGiven;
    private final Map<String, Boolean> refused = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_REFUSED;
        }
    };

    ProgramOwner(RedisBus bus, RouteKeys keys, Route route, String contextPath, GatewayLog log,
                 RedisSharedProcess process) {
        this.bus = bus;
        this.gateway = bus.gateway();
        this.keys = keys;
        this.route = route;
        this.contextPath = contextPath;
        this.options = gateway.configFor(route).shared();
        this.log = log;
        this.process = process;
    }

    /** Holds the lease, runs the program, or is about to restart it: the route must stay. */
    boolean busy() {
        return holds || child != null;
    }

    /**
     * Writer's thread, every tick. {@code redis} is null while Redis cannot be reached; {@code clients} is how many
     * instances have clients of the route (-1 when not known).
     */
    void tick(Jedis redis, long clients, boolean wanted) {
        boolean always = process.always();
        long now = nowMs();
        if (holds) {
            if (redis != null) {
                if (BusScripts.renew(redis, keys, bus.instance(), RedisBus.LEASE_MS, inGiven)) {
                    renewedAt = now;
                } else {
                    lose("the lease is held by another instance");
                }
            } else if (now - renewedAt > RedisBus.LEASE_MS - RedisBus.TICK_MS) {
                // Another instance may take the program over once the lease runs out: ours must be gone by then.
                lose("the lease cannot be renewed while Redis is unreachable");
            }
        }
        if (!holds && redis != null && wanted && (clients > 0 || always)) {
            acquire(redis);
        }
        SharedChild c = child;
        if (!holds || stopping) {
            return;
        }
        if (c != null && !always && clients >= 0) {
            if (clients > 0) {
                lingerFrom = -1;
            } else if (lingerFrom < 0) {
                lingerFrom = now;
            }
            if (lingerFrom >= 0 && now - lingerFrom >= options.lingerMs()) {
                stopping = true;
                log.debug("process", "No clients left on any instance: ending the shared process");
                c.stop();
            }
        }
        if (c == null && restartAt >= 0 && now >= restartAt && redis != null) {
            restartAt = -1;
            launch(redis);
        }
    }

    private void acquire(Jedis redis) {
        BusScripts.Acquired got = BusScripts.acquire(redis, keys, bus.instance(), RedisBus.LEASE_MS);
        if (got == null) {
            return;
        }
        StreamEntryID from = new StreamEntryID(Math.max(0, got.now() - INPUT_GRACE_MS), 0);
        inRead = got.inSeen() != null && got.inSeen().compareTo(from) > 0 ? got.inSeen() : from;
        inGiven = got.inSeen();
        renewedAt = nowMs();
        backoff = new RestartBackoff();
        restartAt = -1;
        lingerFrom = -1;
        holds = true;
        log.debug("process", "This instance holds the shared process's lease");
        launch(redis);
    }

    private void launch(Jedis redis) {
        SharedChild[] self = new SharedChild[1];
        // Before it can print: its first output entry is number 1 (the START entry, added after the launch, still
        // comes first in the stream, since its output is queued behind this task on the writer).
        seq.set(0);
        try {
            self[0] = SharedChild.launch(gateway, route, contextPath, sink, log,
                    status -> bus.writer().run(r -> exited(r, self[0], status)));
        } catch (IOException | RuntimeException e) {
            log.error("process", "Could not launch process %s (%s)", String.join(" ", route.command()), e.getMessage());
            if (process.always()) {
                scheduleRestart(0);
            } else {
                end(redis, BusEntry.EXIT, Member.LAUNCH_FAILED);
            }
            return;
        }
        child = self[0];
        stopping = false;
        log.access("process", "Shared process started (pid %d)", child.pid());
        redis.xadd(keys.out(), outParams(), BusEntry.start(bus.instance(), child.pid()));
    }

    /** Writer's thread: the program's output has ended and it has exited. */
    private void exited(Jedis redis, SharedChild c, int status) {
        if (c != child) {
            return;
        }
        child = null;
        log.access("process", "Shared process exited with status %d (pid %d)", status, c.pid());
        if (process.gone()) {
            // The server stops (or the route was retired): the lease is handed over, nobody else's clients are closed.
            return;
        }
        if (!holds) {
            process.mayBeIdle();
            return;
        }
        if (stopping) {
            stopping = false;
            long ended = BusScripts.end(redis, keys, bus.instance(), BusEntry.IDLE, status, bus.outMaxLen(), inGiven);
            if (ended == 0) {
                // Someone joined while it was being ended: they get a new one.
                launch(redis);
            } else {
                holds = false;
            }
        } else if (process.always()) {
            scheduleRestart(c.ranMillis());
        } else {
            end(redis, BusEntry.EXIT, status);
        }
        process.mayBeIdle();
    }

    private void scheduleRestart(long ranMs) {
        long delay = backoff.afterExit(ranMs);
        log.access("process", "Restarting the shared process in %d ms", delay);
        restartAt = nowMs() + delay;
    }

    /** The program is over for every instance's clients (closed with {@code status}'s code), and the lease let go. */
    private void end(Jedis redis, String kind, int status) {
        BusScripts.end(redis, keys, bus.instance(), kind, status, bus.outMaxLen(), inGiven);
        holds = false;
    }

    /** Without the lease a program must not run: another instance's may. Nothing is published for it. */
    private void lose(String why) {
        log.error("process", "Ending the shared process here: %s", why);
        holds = false;
        stopping = false;
        restartAt = -1;
        SharedChild c = child;
        child = null;
        if (c != null) {
            c.stop();
        }
        process.mayBeIdle();
    }

    /** Writer's thread, the route is going (retired, or the server stops): hand the program over at once. */
    void abandon(Jedis redis) {
        SharedChild c = child;
        child = null;
        if (c != null) {
            c.stop();
        }
        if (holds && redis != null) {
            BusScripts.release(redis, keys, bus.instance(), inGiven);
        }
        holds = false;
    }

    /** The server stops: the program goes now (the lease is let go on the writer's thread after this). */
    void stopNow() {
        SharedChild c = child;
        if (c != null) {
            c.stop();
        }
    }

    /** Reader's thread: the input stream, while this instance holds the lease. */
    void streams(Map<byte[], StreamEntryID> positions, Map<String, Consumer<BusEntry>> readers) {
        StreamEntryID from = inRead;
        if (holds && from != null) {
            positions.put(keys.in(), from);
            readers.put(RouteKeys.text(keys.in()), this::deliver);
        }
    }

    /** Reader's thread: one client's message for the program, whole, or refused (that client is closed, 1008). */
    private void deliver(BusEntry e) {
        if (e == null) {
            return; // the end of one read: each message was written as it came
        }
        inRead = e.id();
        SharedChild c = child;
        byte[] data = e.fields().get(BusEntry.DATA);
        if (c == null || data == null) {
            return;
        }
        String instance = e.text(BusEntry.INSTANCE);
        long member = e.number(BusEntry.MEMBER, -1);
        String who = instance + ":" + member;
        if (refused.containsKey(who)) {
            return;
        }
        boolean taken;
        try {
            taken = c.write(data, 0, data.length, options.queueBytes());
        } catch (IOException gone) {
            return;
        }
        inGiven = e.id();
        if (!taken && instance != null) {
            refused.put(who, Boolean.TRUE);
            bus.writer().run(r -> r.xadd(keys.out(), outParams(), BusEntry.full(instance, member)));
        }
    }

    private XAddParams outParams() {
        return XAddParams.xAddParams().maxLen(bus.outMaxLen()).approximateTrimming();
    }

    private static long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /**
     * The program's output, one entry per read. Its pace is Redis's: stdout is read on while few entries are on
     * their way, and re-armed as the writer gets them in. Each instance's clients then keep up or fall behind on
     * their own (their send queues), as with one instance.
     */
    /** The last output entry's number in this run (see BusEntry.SEQ). */
    private final java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();

    private final class Publisher implements OutputSink {
        @Override
        public void publish(List<Frame> frames) {
            // Numbered before the check below, so that readers see a dropped entry as the gap it is.
            Map<byte[], byte[]> fields = BusEntry.output(frames, seq.incrementAndGet());
            long bytes = fields.values().iterator().next().length;
            if (inFlightEntries.get() >= MAX_ENTRIES || inFlightBytes.get() >= MAX_BYTES) {
                if (dropped.getAndIncrement() % 1000 == 0) {
                    log.error("process", "Redis is not keeping up with the shared process's output: output dropped");
                }
                return;
            }
            inFlightEntries.incrementAndGet();
            inFlightBytes.addAndGet(bytes);
            if (!bus.writer().offerOutput(keys.out(), fields, bus.outMaxLen(), () -> sent(bytes))) {
                sent(bytes);
            }
        }

        @Override
        public boolean hasRoom() {
            return inFlightEntries.get() < ROOM_ENTRIES && inFlightBytes.get() < ROOM_BYTES;
        }

        private void sent(long bytes) {
            inFlightEntries.decrementAndGet();
            inFlightBytes.addAndGet(-bytes);
            SharedChild c = child;
            if (c != null && hasRoom()) {
                c.roomAvailable();
            }
        }
    }
}
