package io.procsocket.shared.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * The bus's compound steps, each one Lua script so that Redis runs it whole: no instance can see (or change) a
 * route half-way through one. Times come from Redis's clock (TIME), so the instances' clocks never need to agree.
 */
final class BusScripts {
    /** How long the in-seen cursor outlives the last program that moved it. */
    static final long CURSOR_KEEP_MS = 24 * 3600 * 1000L;

    private static final String NOW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            """;

    /** The lease, if free or already ours. Returns {1, in-seen or '', now} or {0}. */
    private static final String ACQUIRE = NOW + """
            local holder = redis.call('GET', KEYS[1])
            if holder and holder ~= ARGV[1] then return {0} end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return {1, redis.call('GET', KEYS[2]) or '', now}
            """;

    /** Compare and renew: 1 while the lease is ours (and the in-seen cursor moves with it), else 0. */
    private static final String RENEW = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4]) end
            return 1
            """;

    /** Compare and delete (a clean stop hands the program over at once rather than when the lease runs out). */
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
            if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
            return 1
            """;

    /**
     * This instance has clients (ARGV[4] = 1) in epoch ARGV[2], or has none (0). Returns how many instances have
     * clients now, or -1 when this instance's epoch is old: it has not yet seen the program end for its clients.
     */
    private static final String PRESENCE = NOW + """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            if ARGV[4] == '1' then
              if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[2] then return -1 end
              redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
              redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[3]))
            else
              redis.call('ZREM', KEYS[1], ARGV[1])
            end
            return redis.call('ZCARD', KEYS[1])
            """;

    /**
     * The owner's program is over: 'exit' (on its own: a new epoch, everyone's clients are closed) or 'idle'
     * (nobody watched; refused with 0 if somebody has joined meanwhile). The event goes out and the lease is let
     * go in one step. Returns 1, 0 (idle refused) or -1 (the lease is not ours: publish nothing).
     */
    private static final String END = NOW + """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
            local epoch = redis.call('GET', KEYS[3]) or '0'
            if ARGV[2] == 'idle' then
              redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
              if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
            else
              epoch = redis.call('INCR', KEYS[3])
              redis.call('DEL', KEYS[2])
            end
            redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*', 'e', ARGV[2], 's', ARGV[3], 'n', epoch)
            redis.call('DEL', KEYS[1])
            if ARGV[5] ~= '' then redis.call('SET', KEYS[5], ARGV[5], 'PX', ARGV[6]) end
            return 1
            """;

    /** The epoch, the newest ARGV[1] output entries and the time, read at one instant. */
    private static final String SNAPSHOT = NOW + """
            return {redis.call('GET', KEYS[2]) or '0', redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', ARGV[1]), now}
            """;

    private BusScripts() { }

    /** The lease was taken. {@code inSeen} may be null; {@code now} is Redis's clock in ms. */
    record Acquired(StreamEntryID inSeen, long now) { }

    static Acquired acquire(Jedis j, RouteKeys k, String instance, long leaseMs) {
        List<?> r = (List<?>) eval(j, ACQUIRE, List.of(k.lease(), k.inSeen()), instance, Long.toString(leaseMs));
        if (((Long) r.get(0)) != 1) {
            return null;
        }
        String seen = RouteKeys.text((byte[]) r.get(1));
        return new Acquired(seen.isEmpty() ? null : new StreamEntryID(seen), (Long) r.get(2));
    }

    static boolean renew(Jedis j, RouteKeys k, String instance, long leaseMs, StreamEntryID inSeen) {
        return (Long) eval(j, RENEW, List.of(k.lease(), k.inSeen()), instance, Long.toString(leaseMs), id(inSeen),
                Long.toString(CURSOR_KEEP_MS)) == 1;
    }

    static void release(Jedis j, RouteKeys k, String instance, StreamEntryID inSeen) {
        eval(j, RELEASE, List.of(k.lease(), k.inSeen()), instance, id(inSeen), Long.toString(CURSOR_KEEP_MS));
    }

    static long presence(Jedis j, RouteKeys k, String instance, long epoch, long ttlMs, boolean here) {
        return (Long) eval(j, PRESENCE, List.of(k.members(), k.epoch()), instance, Long.toString(epoch),
                Long.toString(ttlMs), here ? "1" : "0");
    }

    static long end(Jedis j, RouteKeys k, String instance, String kind, int status, long maxLen, StreamEntryID inSeen) {
        return (Long) eval(j, END, List.of(k.lease(), k.members(), k.epoch(), k.out(), k.inSeen()), instance, kind,
                Integer.toString(status), Long.toString(maxLen), id(inSeen), Long.toString(CURSOR_KEEP_MS));
    }

    /** {@code now} is Redis's clock in ms. */
    record Snapshot(long epoch, List<BusEntry> newestFirst, long now) { }

    static Snapshot snapshot(Jedis j, RouteKeys k, int count) {
        List<?> r = (List<?>) eval(j, SNAPSHOT, List.of(k.out(), k.epoch()), Integer.toString(count));
        long epoch = Long.parseLong(RouteKeys.text((byte[]) r.get(0)));
        List<BusEntry> entries = new ArrayList<>();
        for (Object o : (List<?>) r.get(1)) {
            List<?> entry = (List<?>) o;
            List<?> kv = (List<?>) entry.get(1);
            Map<byte[], byte[]> fields = new LinkedHashMap<>();
            for (int i = 0; i + 1 < kv.size(); i += 2) {
                fields.put((byte[]) kv.get(i), (byte[]) kv.get(i + 1));
            }
            entries.add(BusEntry.of(new StreamEntryID((byte[]) entry.get(0)), fields));
        }
        return new Snapshot(epoch, entries, (Long) r.get(2));
    }

    private static String id(StreamEntryID id) {
        return id == null ? "" : id.toString();
    }

    private static Object eval(Jedis j, String script, List<byte[]> keys, String... args) {
        List<byte[]> a = new ArrayList<>(args.length);
        for (String s : args) {
            a.add(RouteKeys.bytes(s));
        }
        return j.eval(RouteKeys.bytes(script), keys, a);
    }
}
