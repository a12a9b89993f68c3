package io.procsocket.shared.redis;

import java.net.URI;
import java.util.List;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The --shared-bus URL as Redis clients take it (redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS), and
 * connections to it. Every connect, command and blocking read has a timeout, so no bus thread waits for ever on a
 * Redis that stopped answering.
 */
final class RedisEndpoint {
    static final int DEFAULT_PORT = 6379;
    static final int CONNECT_TIMEOUT_MS = 2000;
    static final int COMMAND_TIMEOUT_MS = 2000;

    private final HostAndPort address;
    private final JedisClientConfig config;
    private final String shown;

    /** {@code url} has been checked by Validators.redisUrl; {@code blockMs} is the longest XREAD BLOCK used. */
    RedisEndpoint(String url, int blockMs) {
        URI uri = URI.create(url);
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        this.address = new HostAndPort(host, port);
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(CONNECT_TIMEOUT_MS)
                .socketTimeoutMillis(COMMAND_TIMEOUT_MS)
                .blockingSocketTimeoutMillis(blockMs + COMMAND_TIMEOUT_MS)
                .clientName("procsocket")
                // The replies are read as RESP2's (the scripts' arrays); saying so also keeps Jedis from warning.
                .resp2()
                .ssl(JedisURIHelper.isRedisSSLScheme(uri));
        if (JedisURIHelper.getPassword(uri) != null) {
            b.user(JedisURIHelper.getUser(uri)).password(JedisURIHelper.getPassword(uri));
        }
        if (JedisURIHelper.hasDbIndex(uri)) {
            b.database(JedisURIHelper.getDBIndex(uri));
        }
        this.config = b.build();
        String path = uri.getRawPath() == null || uri.getRawPath().equals("/") ? "" : uri.getRawPath();
        // Never the credentials: this is what logs and errors show.
        this.shown = uri.getScheme() + "://" + (uri.getRawUserInfo() == null ? "" : "***@") + uri.getHost() + ":" + port
                + path;
    }

    /** A new connection, its handshake (AUTH, SELECT) done; throws JedisException when Redis cannot be used. */
    Jedis connect() {
        Jedis j = new Jedis(address, config);
        try {
            j.ping();
            return j;
        } catch (RuntimeException e) {
            j.close();
            throw e;
        }
    }

    /** Start-up: Redis answers, or one line that says why not. */
    void check() {
        try (Jedis j = connect()) {
            j.ping();
        } catch (JedisException e) {
            throw new IllegalStateException("--shared-bus: cannot " + (e instanceof JedisConnectionException
                    ? "reach " : "use ") + shown + ": " + reason(e), e);
        }
    }

    /** The URL without its password. */
    @Override
    public String toString() {
        return shown;
    }

    /**
     * What went wrong underneath: "Connection refused" rather than Jedis's "Failed to connect to ...", which keeps
     * the socket's exception as a cause or a suppressed one.
     */
    static String reason(Throwable t) {
        String io = null;
        String last = String.valueOf(t);
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(t));
        for (int seen = 0; !todo.isEmpty() && seen < 32; seen++) {
            Throwable c = todo.poll();
            String m = c.getMessage();
            if (m != null && !m.isBlank()) {
                last = m;
                if (c instanceof java.io.IOException) {
                    io = m;
                }
            }
            if (c.getCause() != null) {
                todo.add(c.getCause());
            }
            todo.addAll(List.of(c.getSuppressed()));
        }
        return io != null ? io : last;
    }
}
