package io.procsocket.shared.redis;

import io.procsocket.config.Config;
import io.procsocket.gateway.Route;
import io.procsocket.log.GatewayLog;
import io.procsocket.shared.Audience;
import io.procsocket.shared.ClientPlaces;
import io.procsocket.shared.Frame;
import io.procsocket.shared.Member;
import io.procsocket.shared.SharedProcess;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * A shared route on one of several instances (--shared-bus): this instance's clients (places, --maxclients per
 * instance) and its {@link Audience}, fed from the route's output stream in Redis whichever instance runs the
 * program; the program itself is {@link ProgramOwner}'s, here or elsewhere.
 *
 * Guarded by {@code this}: flags and the epoch; the audience's lock is only ever taken inside it, and
 * nothing is sent or closed while holding it. Redis is touched only on the bus's two threads.
 */
final class RedisSharedProcess implements SharedProcess, BusReader.Source {
    /** Entries read back at load when there is no replay: enough for what a first client may have just missed. */
    private static final int LOAD_ENTRIES = 64;
    private final RedisBus bus;
    private final RouteKeys keys;
    private final Config.Shared options;
    private final Audience audience;
    private final ClientPlaces places;
    private final GatewayLog log;
    private final Consumer<SharedProcess> mayBeIdle;
    private final ProgramOwner owner;
    private final AtomicLong lastMemberId = new AtomicLong();
    private final Map<Member, Long> ids = new ConcurrentHashMap<>();
    private final Map<Long, Member> members = new ConcurrentHashMap<>();
    /** Members the program's end has been sent to and which have not left yet: no longer reasons to run it. */
    private final Set<Member> ended = ConcurrentHashMap.newKeySet();
    /** A tick for this route is queued on the writer (so a burst of joins and leaves queues one). */
    private final AtomicBoolean tickQueued = new AtomicBoolean();

    private boolean always;
    private boolean retired;
    private boolean closed;
    /** The epoch this instance's clients belong to (see RouteKeys.epoch). */
    private long epoch;
    /** The reader's position in the output stream; set by the writer before the route is read. */
    private volatile StreamEntryID outRead;
    /** Reader's thread: the last output entry's number in the current run, -1 before any is known. */
    private long lastSeq = -1;
    /** Reader's thread: output of the current read, not yet fanned out. */
    private List<Frame> pendingOut = new ArrayList<>();
    /** When this was made: clients may join before it is loaded, and must miss nothing published since. */
    private final long madeAt = System.nanoTime();

    RedisSharedProcess(RedisBus bus, Route route, String contextPath, Consumer<SharedProcess> mayBeIdle) {
        this.bus = bus;
        this.keys = RouteKeys.of(route.program());
        this.options = bus.gateway().configFor(route).shared();
        this.always = options.always();
        this.mayBeIdle = mayBeIdle;
        this.audience = new Audience(options.replay(), Audience.replayBytes(options));
        this.places = new ClientPlaces(options.maxClients());
        this.log = GatewayLog.root().with("url", contextPath + route.scriptName()).with("command", route.label());
        this.owner = new ProgramOwner(bus, keys, route, contextPath, log, this);
    }

    @Override
    public synchronized boolean tryReserve() {
        return !retired && !closed && places.take();
    }

    @Override
    public void unreserve() {
        places.giveBack();
        bus.changed(this);
        mayBeIdle.accept(this);
    }

    @Override
    public void join(Member member) {
        long id = lastMemberId.incrementAndGet();
        ids.put(member, id);
        members.put(id, member);
        audience.join(member);
        // Only now does it count: the program is started after its first client is in the audience, so that
        // client misses none of its output (as with one instance).
        bus.changed(this);
    }

    @Override
    public void leave(Member member) {
        audience.leave(member);
        Long id = ids.remove(member);
        if (id != null) {
            members.remove(id);
        }
        synchronized (this) {
            places.giveBack();
            ended.remove(member);
        }
        bus.changed(this);
        mayBeIdle.accept(this);
    }

    @Override
    public void roomMade() {
        // Pacing is the publisher's (the owner reads stdout as fast as Redis takes it), not any one client's.
    }

    @Override
    public Input write(Member from, byte[] bytes, int off, int len) {
        if (options.input() == Config.SharedInput.NONE) {
            return Input.READ_ONLY;
        }
        Long id = ids.get(from);
        if (id == null || !bus.writer().up()) {
            return Input.NOT_RUNNING;
        }
        return bus.writer().offerInput(keys.in(), BusEntry.input(bus.instance(), id, bytes, off, len), len,
                RedisBus.IN_MAX_LEN) ? Input.WRITTEN : Input.FULL;
    }

    @Override
    public void startNow() {
        synchronized (this) {
            always = true;
        }
        bus.changed(this);
    }

    @Override
    public synchronized boolean retireIfIdle() {
        if (retired || places.any() || always || audience.size() > 0 || owner.busy()) {
            return false;
        }
        retired = true;
        bus.retired(this);
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
        }
        owner.stopNow();
        for (Member m : audience.removeAll()) {
            m.shutDown();
        }
    }

    synchronized boolean always() {
        return always;
    }

    /** Retired or closed: nothing more is started or published for it here. */
    synchronized boolean gone() {
        return retired || closed;
    }

    void mayBeIdle() {
        mayBeIdle.accept(this);
    }

    /** Whether a tick may be queued now (one at a time); the writer clears it as the tick runs. */
    boolean queueTick() {
        return tickQueued.compareAndSet(false, true);
    }

    // ---- The writer's thread.

    /**
     * Before the route is read: the epoch, where to read from, and the replay ring filled from the stream's tail.
     * Clients that joined before this ran get what was published since the route was made here (Redis's clock
     * less the time this waited, so the instances' clocks never matter), within the replay or not.
     */
    void load(Jedis redis) {
        int replay = options.replay();
        BusScripts.Snapshot s = BusScripts.snapshot(redis, keys, Math.max(LOAD_ENTRIES, replay));
        synchronized (this) {
            epoch = s.epoch();
        }
        List<BusEntry> newest = s.newestFirst();
        // Before outRead is set: that is what starts the reader on this route (and publishes this to it).
        lastSeq = newest.isEmpty() || newest.get(0).event() != null ? -1 : newest.get(0).number(BusEntry.SEQ, -1);
        outRead = newest.isEmpty() ? new StreamEntryID(0, 0) : newest.get(0).id();
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - madeAt);
        StreamEntryID made = new StreamEntryID(Math.max(0, s.now() - waited - 1), 0);
        // Back to the last end of the program for its clients: what came before is another session's.
        List<Frame> frames = new ArrayList<>();
        int sinceMade = 0;
        for (BusEntry e : newest) {
            if (BusEntry.EXIT.equals(e.event()) || BusEntry.IDLE.equals(e.event())) {
                break;
            }
            boolean after = e.id().compareTo(made) >= 0;
            if (!after && frames.size() >= replay) {
                break;
            }
            List<Frame> f = new ArrayList<>(e.frames());
            Collections.reverse(f);
            frames.addAll(f);
            if (after) {
                sinceMade = frames.size();
            }
        }
        Collections.reverse(frames);
        audience.broadcast(frames.subList(Math.max(0, frames.size() - Math.max(replay, sinceMade)), frames.size()));
    }

    /** Presence, then the owner's part; {@code redis} is null while Redis cannot be reached. */
    void tick(Jedis redis) {
        tickQueued.set(false);
        boolean here;
        long ep;
        synchronized (this) {
            if (retired || closed) {
                return;
            }
            here = ids.size() - ended.size() > 0;
            ep = epoch;
        }
        long clients = redis == null ? -1
                : BusScripts.presence(redis, keys, bus.instance(), ep, RedisBus.PRESENCE_TTL_MS, here);
        owner.tick(redis, clients, here || always());
    }

    /** Retired or closed: out of the cluster's count, and the lease (if held) handed over. */
    void abandon(Jedis redis) {
        owner.abandon(redis);
        BusScripts.presence(redis, keys, bus.instance(), 0, RedisBus.PRESENCE_TTL_MS, false);
    }

    // ---- The reader's thread.

    @Override
    public void streams(Map<byte[], StreamEntryID> positions, Map<String, Consumer<BusEntry>> readers) {
        StreamEntryID from = outRead;
        if (from == null) {
            return;
        }
        positions.put(keys.out(), from);
        readers.put(RouteKeys.text(keys.out()), this::output);
        owner.streams(positions, readers);
    }

    /**
     * Reader's thread. Output entries of one read are fanned out in one go (a reader that fell behind catches up
     * with one write per client, not one per entry); an entry whose number is not the next one means this instance
     * missed output (the stream was trimmed past it, or the owner dropped it): its clients here are cut off with
     * 1008, as a client that fell behind on one instance is, rather than shown a stream with a hole in it.
     */
    private void output(BusEntry e) {
        if (e == null) {
            deliverPending();
            return;
        }
        outRead = e.id();
        String event = e.event();
        if (event == null) {
            long seq = e.number(BusEntry.SEQ, -1);
            if (lastSeq >= 0 && seq >= 0 && seq != lastSeq + 1) {
                deliverPending();
                missed(seq - lastSeq - 1);
            }
            lastSeq = seq;
            pendingOut.addAll(e.frames());
            return;
        }
        deliverPending();
        switch (event) {
            case BusEntry.START -> {
                lastSeq = 0;
                if (!bus.instance().equals(e.text(BusEntry.INSTANCE))) {
                    log.access("process", "Shared process started on another instance (pid %d)", e.number(BusEntry.PID, -1));
                }
            }
            case BusEntry.EXIT -> exit((int) e.number(BusEntry.STATUS, -1), e.number(BusEntry.EPOCH, 0));
            case BusEntry.FULL -> {
                Member m = bus.instance().equals(e.text(BusEntry.INSTANCE)) ? members.get(e.number(BusEntry.MEMBER, -1)) : null;
                if (m != null) {
                    m.inputRefused();
                }
            }
            default -> { } // IDLE: only a boundary for the replay
        }
    }

    private void deliverPending() {
        if (!pendingOut.isEmpty()) {
            audience.broadcast(pendingOut);
            pendingOut = new ArrayList<>();
        }
    }

    private void missed(long entries) {
        Member[] cut = audience.removeAll();
        log.error("bus", "this instance missed %d output entries of the shared process (Redis trimmed them before "
                + "they were read, or the owner could not publish them): cutting off its %d clients", entries, cut.length);
        for (Member m : cut) {
            m.cutOff();
        }
    }

    /** The program ended on its own: every client here is closed as its own program's end would close it. */
    private void exit(int status, long newEpoch) {
        Member[] gone;
        synchronized (this) {
            epoch = Math.max(epoch, newEpoch);
            gone = audience.removeAll();
            Collections.addAll(ended, gone);
        }
        for (Member m : gone) {
            m.processEnded(status);
        }
    }
}
