package io.procsocket.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.testing.RawWebSocket;
import io.procsocket.testing.TesterServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of connections through the gateway, each a real {@code cat}: afterwards the JVM has the
 * children, threads and file descriptors it had before. A leak of one thread, pipe or process per
 * connection shows up as thousands, far beyond the tolerance, which only absorbs pooled threads that
 * the JDK and Grizzly keep idle for a while.
 */
class ConnectionChurnLeakTest {
    private static final int CONNECTIONS = 2000;
    private static final int CONCURRENCY = 8;
    private static final int WARM_UP = 200;
    /** Pooled threads (pumps, workers, process reapers) may differ by a few per concurrent connection. */
    private static final int THREAD_TOLERANCE = 6 * CONCURRENCY;
    private static final int FD_TOLERANCE = 32;
    private static final Duration SETTLE = Duration.ofSeconds(20);
    private static TesterServer server;

    @BeforeAll
    static void start() {
        server = TesterServer.start("--loglevel=none", "cat");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    @Timeout(120)
    void thousandsOfConnectionsLeaveNoProcessThreadOrDescriptorBehind() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ExecutorService clients = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            churn(clients, WARM_UP); // pools and lazily loaded classes reach their steady size
            assertTrue(settled(0), "warm-up connections ended");
            int baseThreads = threads.getThreadCount();
            int baseFds = Processes.openFds();

            int done = churn(clients, CONNECTIONS);
            assertEquals(CONNECTIONS, done);

            boolean clean = Processes.await(() -> server.gateway().liveChildren() == 0
                    && Processes.childrenOf(Processes.self()).isEmpty()
                    && threads.getThreadCount() <= baseThreads + THREAD_TOLERANCE
                    && Processes.openFds() <= baseFds + FD_TOLERANCE, SETTLE);
            assertTrue(clean, String.format(
                    "after %d connections: live children %d, child processes %s, threads %d (baseline %d), fds %d (baseline %d)",
                    CONNECTIONS, server.gateway().liveChildren(), Processes.childrenOf(Processes.self()),
                    threads.getThreadCount(), baseThreads, Processes.openFds(), baseFds));
        } finally {
            clients.shutdownNow();
        }
    }

    private static boolean settled(int children) {
        return Processes.await(() -> server.gateway().liveChildren() == children
                && Processes.childrenOf(Processes.self()).isEmpty(), SETTLE);
    }

    /** Each connection: open, one echo, close handshake with 1000; returns how many completed cleanly. */
    private static int churn(ExecutorService clients, int count) throws InterruptedException, ExecutionException,
            TimeoutException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < CONCURRENCY; w++) {
            workers.add(clients.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    try (RawWebSocket ws = RawWebSocket.open(server.port(), "/churn", Duration.ofSeconds(10))) {
                        String msg = "m" + i;
                        ws.sendText(msg);
                        assertEquals(msg, ws.readFrame().text());
                        ws.sendClose(1000, "");
                        assertEquals(1000, ws.awaitCloseCode());
                        ok.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get(100, TimeUnit.SECONDS);
        }
        return ok.get();
    }

}
