package io.procsocket.shared.redis;

import io.procsocket.log.GatewayLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;

/**
 * The instance's one thread that writes to Redis: output and input entries (pipelined, in the order they were
 * offered, so a route's entries reach its stream in the program's order), the routes' compound steps, and every
 * {@link RedisBus#TICK_MS} the routes' tick (presence, lease, lifecycle). Nothing offered here ever waits: the
 * callers (the pipe reactor, Grizzly's selector) are shared threads. Data is bounded by its producers' budgets
 * (output per route, input per instance); steps by their nature (a few per route and per program run); the
 * queue's capacity is only the last guard.
 */
final class BusWriter extends BusThread {
    /** A step that needs Redis's answer; run in order with the entries around it. */
    interface Step {
        void run(Jedis redis);
    }

    private sealed interface Command permits Add, Run { }

    private record Add(byte[] key, Map<byte[], byte[]> fields, long maxLen, Runnable done) implements Command { }

    private record Run(Step step) implements Command { }

    private static final int CAPACITY = 1 << 16;
    private static final int BATCH = 256;
    /** Most client messages on their way to Redis from this instance at once. */
    private static final int MAX_INPUTS = 1024;

    private final RedisEndpoint endpoint;
    private final GatewayLog log;
    private final long tickMs;
    /** Every tick with the connection, or null while Redis cannot be reached (local checks only). */
    private final Consumer<Jedis> tick;
    private final long maxInputBytes;
    private final LinkedBlockingDeque<Command> queue = new LinkedBlockingDeque<>(CAPACITY);
    private final AtomicInteger inputs = new AtomicInteger();
    private final AtomicLong inputBytes = new AtomicLong();
    private volatile boolean up = true;
    private Jedis redis;

    BusWriter(RedisEndpoint endpoint, GatewayLog log, long tickMs, long maxInputBytes, Consumer<Jedis> tick) {
        super("procsocket-bus-writer");
        this.endpoint = endpoint;
        this.log = log;
        this.tickMs = tickMs;
        this.maxInputBytes = maxInputBytes;
        this.tick = tick;
    }

    /** Whether the last attempt to reach Redis worked. */
    boolean up() {
        return up;
    }

    /** One client's message; false when this instance already has as many on their way as it may. */
    boolean offerInput(byte[] key, Map<byte[], byte[]> fields, int len, long maxLen) {
        if (inputs.incrementAndGet() > MAX_INPUTS || inputBytes.addAndGet(len) > maxInputBytes) {
            inputs.decrementAndGet();
            inputBytes.addAndGet(-len);
            return false;
        }
        Runnable done = () -> {
            inputs.decrementAndGet();
            inputBytes.addAndGet(-len);
        };
        if (!queue.offerLast(new Add(key, fields, maxLen, done))) {
            done.run();
            return false;
        }
        return true;
    }

    /** Output the caller has budgeted for; {@code done} runs once it is in Redis (or lost with the connection). */
    boolean offerOutput(byte[] key, Map<byte[], byte[]> fields, long maxLen, Runnable done) {
        return queue.offerLast(new Add(key, fields, maxLen, done));
    }

    void run(Step step) {
        if (!queue.offerLast(new Run(step))) {
            log.error("bus", "bus queue full (%d): a step was dropped", CAPACITY);
        }
    }

    /**
     * Runs {@code last} after everything offered before it (while Redis can be reached), then ends the thread;
     * waits at most {@code boundMs}.
     */
    void close(Step last, long boundMs) {
        run(r -> {
            last.run(r);
            stopSoon();
        });
        stopAndJoin(!up, boundMs);
    }

    @Override
    void loop() {
        long nextTick = System.nanoTime();
        try {
            while (!stopping()) {
                if (redis == null && !connect()) {
                    tickSafely(null);
                    pause(tickMs);
                    nextTick = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tickMs);
                    continue;
                }
                long wait = Math.max(0, nextTick - System.nanoTime());
                Command first = queue.pollFirst(wait, TimeUnit.NANOSECONDS);
                if (first != null) {
                    List<Command> batch = new ArrayList<>(BATCH);
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    send(batch);
                }
                if (redis != null && System.nanoTime() - nextTick >= 0) {
                    tickSafely(redis);
                    nextTick = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tickMs);
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

    /** In order: runs of entries in one pipeline, each step on its own once the entries before it are in. */
    private void send(List<Command> batch) {
        int i = 0;
        try {
            while (i < batch.size()) {
                if (batch.get(i) instanceof Run run) {
                    run.step().run(redis);
                    i++;
                    continue;
                }
                int from = i;
                try (Pipeline p = redis.pipelined()) {
                    for (; i < batch.size() && batch.get(i) instanceof Add add; i++) {
                        p.xadd(add.key(), XAddParams.xAddParams().maxLen(add.maxLen()).approximateTrimming(), add.fields());
                    }
                }
                for (int k = from; k < i; k++) {
                    ((Add) batch.get(k)).done().run();
                }
            }
        } catch (JedisException e) {
            down(e);
            // The entries not known to be in are lost (the budgets they held come back); steps wait for the
            // connection to come back, in their order. A step is written so that running it twice is harmless.
            for (int k = batch.size() - 1; k >= i; k--) {
                if (batch.get(k) instanceof Run run) {
                    queue.offerFirst(run);
                } else {
                    ((Add) batch.get(k)).done().run();
                }
            }
        }
    }

    private void tickSafely(Jedis r) {
        try {
            tick.accept(r);
        } catch (JedisException e) {
            down(e);
        }
    }

    private boolean connect() {
        try {
            redis = endpoint.connect();
            if (!up) {
                up = true;
                log.info("bus", "--shared-bus: %s reachable again", endpoint.toString());
            }
            return true;
        } catch (JedisException e) {
            down(e);
            return false;
        }
    }

    private void down(JedisException e) {
        if (redis != null) {
            redis.close();
            redis = null;
        }
        if (up) {
            up = false;
            log.error("bus", "--shared-bus: lost %s (%s): shared clients wait, their input is dropped, until it is back",
                    endpoint.toString(), RedisEndpoint.reason(e));
        }
    }
}
