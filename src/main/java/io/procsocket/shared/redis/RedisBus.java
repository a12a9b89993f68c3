package io.procsocket.shared.redis;

import io.procsocket.config.Config;
import io.procsocket.gateway.Gateway;
import io.procsocket.gateway.Route;
import io.procsocket.log.GatewayLog;
import io.procsocket.shared.SharedProcess;
import io.procsocket.shared.SharedRoutes;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.XAddParams;

/**
 * --shared-bus: each route's one program shared by several instances through Redis. One instance at a time holds
 * a route's lease and runs its program; its output goes into the route's stream, which every instance reads and
 * fans out to its own clients; clients' input goes into another stream the owner reads. This is the instance's
 * side: its id, its connection settings, its two threads ({@link BusWriter}, {@link BusReader}) and the routes it
 * has clients of (bounded by --maxforks, one slot each).
 */
public final class RedisBus implements SharedRoutes.Factory {
    /** How often presence and leases are renewed and lifecycles looked at. */
    static final long TICK_MS = 500;
    /** How long a lease outlives its owner's last renewal: the longest takeover after an instance dies. */
    static final long LEASE_MS = 5000;
    /** How long an instance's presence outlives its last renewal. */
    static final long PRESENCE_TTL_MS = 3000;
    /** Input entries kept per route (approximately): the owner reads them as they come. */
    static final long IN_MAX_LEN = 256;
    private static final long CLOSE_WAIT_MS = 3000;
    private static final long WAKE_KEEP_MS = 60_000;

    private final Gateway gateway;
    private final RedisEndpoint endpoint;
    private final String instance;
    private final byte[] wakeKey;
    private final long outMaxLen;
    private final GatewayLog log;
    /** Routes whose streams are read here; each came with a fork slot. */
    private final Set<RedisSharedProcess> routes = ConcurrentHashMap.newKeySet();
    private final BusWriter writer;
    private final BusReader reader;

    private RedisBus(Gateway gateway, RedisEndpoint endpoint) {
        this.gateway = gateway;
        this.endpoint = endpoint;
        byte[] id = new byte[8];
        new SecureRandom().nextBytes(id);
        this.instance = HexFormat.of().formatHex(id);
        this.wakeKey = RouteKeys.bytes("procsocket:wake:" + instance);
        Config.Shared options = gateway.config().shared();
        // Room for the replay (an entry holds one read, so at least one frame) and for the readers' lag.
        this.outMaxLen = Math.max(1000, 2L * options.replay());
        this.log = GatewayLog.root().with("bus", endpoint.toString()).with("instance", instance);
        this.writer = new BusWriter(endpoint, log, TICK_MS, options.queueBytes(), this::tick);
        this.reader = new BusReader(endpoint, log, wakeKey, () -> List.copyOf(routes));
    }

    /** Reaches Redis (or throws one line saying why not) and starts the bus's threads. */
    public static RedisBus start(Gateway gateway) {
        RedisEndpoint endpoint = new RedisEndpoint(gateway.config().shared().bus(), BusReader.BLOCK_MS);
        endpoint.check();
        RedisBus bus = new RedisBus(gateway, endpoint);
        bus.writer.start();
        bus.reader.start();
        bus.log.info("bus", "Sharing processes with other instances through %s", endpoint.toString());
        return bus;
    }

    @Override
    public SharedProcess create(Route route, String contextPath, Consumer<SharedProcess> mayBeIdle) {
        RedisSharedProcess p = new RedisSharedProcess(this, route, contextPath, mayBeIdle);
        writer.run(r -> {
            p.load(r);
            routes.add(p);
            wake(r);
            p.tick(r);
        });
        return p;
    }

    /** Server stop, after every route's clients were told: leases handed over, then the threads end. */
    @Override
    public void close() {
        writer.close(r -> {
            for (RedisSharedProcess p : routes) {
                p.abandon(r);
            }
            routes.clear();
            wake(r);
        }, CLOSE_WAIT_MS);
        reader.close(CLOSE_WAIT_MS);
    }

    /** A route's clients came or went: its presence and lifecycle are looked at now rather than at the next tick. */
    void changed(RedisSharedProcess p) {
        if (p.queueTick()) {
            writer.run(p::tick);
        }
    }

    /** The route is idle and forgotten here (its slot is given back): it stops being read and counted. */
    void retired(RedisSharedProcess p) {
        writer.run(r -> {
            routes.remove(p);
            p.abandon(r);
        });
    }

    private void tick(Jedis r) {
        for (RedisSharedProcess p : routes) {
            p.tick(r);
        }
    }

    /** Ends the reader's wait, so that it reads the streams as they are now. */
    private void wake(Jedis r) {
        r.xadd(wakeKey, XAddParams.xAddParams().maxLen(8), java.util.Map.of(RouteKeys.bytes("w"), new byte[] {'1'}));
        r.pexpire(wakeKey, WAKE_KEEP_MS);
    }

    Gateway gateway() {
        return gateway;
    }

    BusWriter writer() {
        return writer;
    }

    String instance() {
        return instance;
    }

    long outMaxLen() {
        return outMaxLen;
    }
}
