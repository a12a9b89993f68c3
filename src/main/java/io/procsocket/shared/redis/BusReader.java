package io.procsocket.shared.redis;

import io.procsocket.log.GatewayLog;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntryBinary;

/**
 * The instance's one thread that reads Redis: one XREAD BLOCK over every route's output stream here (and the input
 * stream of the routes this instance runs), each from the last entry it saw, so nothing is lost or doubled between
 * reads. The set of streams changes when a route comes or goes or takes the lease; the instance's own wake stream
 * is in every read so that such a change ends the wait at once, rather than at the block's end.
 */
final class BusReader extends BusThread {
    /** Longest wait in one read: also how long a change of streams waits if its wake-up were lost. */
    static final int BLOCK_MS = 1000;
    private static final int COUNT = 256;
    private static final long RETRY_MS = 500;

    /** Streams a route reads: stream key, where it is, and what takes its entries (on this thread). */
    interface Source {
        /**
         * Where to read which stream from, and who gets its entries: each entry in order, then null once the
         * entries of one read are all given (so that a reader may deliver them in one go).
         */
        void streams(Map<byte[], StreamEntryID> positions, Map<String, Consumer<BusEntry>> readers);
    }

    private final RedisEndpoint endpoint;
    private final GatewayLog log;
    private final byte[] wakeKey;
    private final Supplier<List<? extends Source>> sources;
    private StreamEntryID wakeSeen = new StreamEntryID(0, 0);

    BusReader(RedisEndpoint endpoint, GatewayLog log, byte[] wakeKey, Supplier<List<? extends Source>> sources) {
        super("procsocket-bus-reader");
        this.endpoint = endpoint;
        this.log = log;
        this.wakeKey = wakeKey;
        this.sources = sources;
    }

    /** The writer has just woken it (its last step); waits at most {@code boundMs}. */
    void close(long boundMs) {
        stopAndJoin(true, boundMs);
    }

    @Override
    void loop() {
        Jedis redis = null;
        try {
            while (!stopping()) {
                if (redis == null) {
                    try {
                        redis = endpoint.connect();
                    } catch (JedisException e) {
                        log.debug("bus", "reader cannot reach %s: %s", endpoint.toString(), RedisEndpoint.reason(e));
                        pause(RETRY_MS);
                        continue;
                    }
                }
                try {
                    readOnce(redis);
                } catch (JedisException e) {
                    log.debug("bus", "reader lost %s: %s", endpoint.toString(), RedisEndpoint.reason(e));
                    redis.close();
                    redis = null;
                    pause(RETRY_MS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    private void readOnce(Jedis redis) {
        Map<byte[], StreamEntryID> positions = new LinkedHashMap<>();
        Map<String, Consumer<BusEntry>> readers = new HashMap<>();
        positions.put(wakeKey, wakeSeen);
        for (Source s : sources.get()) {
            s.streams(positions, readers);
        }
        List<Map.Entry<byte[], List<StreamEntryBinary>>> got = redis.xreadBinary(
                XReadParams.xReadParams().block(BLOCK_MS).count(COUNT), positions);
        if (got == null) {
            return;
        }
        for (Map.Entry<byte[], List<StreamEntryBinary>> stream : got) {
            List<StreamEntryBinary> entries = stream.getValue();
            if (java.util.Arrays.equals(stream.getKey(), wakeKey)) {
                if (!entries.isEmpty()) {
                    wakeSeen = entries.get(entries.size() - 1).getID();
                }
                continue;
            }
            Consumer<BusEntry> reader = readers.get(RouteKeys.text(stream.getKey()));
            for (StreamEntryBinary e : entries) {
                if (reader == null) {
                    break;
                }
                try {
                    reader.accept(BusEntry.of(e.getID(), e.getFields()));
                } catch (RuntimeException bad) {
                    // One damaged entry (another version's, or a stray writer's) must not stop the route.
                    log.error("bus", "skipped a bus entry %s: %s", e.getID().toString(), bad.toString());
                }
            }
            if (reader != null) {
                reader.accept(null);
            }
        }
    }
}
