package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procsocket.gateway.Bounded;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * websocketd: with --maxforks=2 and six clients upgrading at the same moment, exactly two connect and four get
 * HTTP 429 before any upgrade, every time, a freshly started server included. The slot is taken at admission,
 * so no upgrade is let through to be closed afterwards.
 */
class MaxforksBurstTest {
    private static final int BURSTS = 20;
    private static final int CLIENTS = 6;

    @TempDir
    Path dir;

    @Test
    void sixClientsAtOnceAgainstMaxforksTwoAreTwoConnectionsAndFour429sEveryTime() throws Exception {
        Path script = TesterScripts.sh(dir, "hold.sh", "exec cat");
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            for (int burst = 0; burst < BURSTS; burst++) {
                try (TesterServer server = TesterServer.start("--maxforks=2", script.toString())) {
                    List<Socket> sockets = new ArrayList<>();
                    try {
                        List<Integer> statuses = burst(server.port(), pool, sockets);
                        assertEquals(2, statuses.stream().filter(s -> s == 101).count(), "burst " + burst + ": " + statuses);
                        assertEquals(4, statuses.stream().filter(s -> s == 429).count(), "burst " + burst + ": " + statuses);
                    } finally {
                        for (Socket s : sockets) {
                            s.close();
                        }
                    }
                    Bounded.noChildrenLeft(server.gateway());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Six handshakes released together; the status each got. The sockets stay open (the upgraded ones hold a slot). */
    private static List<Integer> burst(int port, ExecutorService pool, List<Socket> sockets) throws Exception {
        CountDownLatch ready = new CountDownLatch(CLIENTS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Socket s = new Socket("127.0.0.1", port);
            s.setSoTimeout(RawHttp.TIMEOUT_MS);
            synchronized (sockets) {
                sockets.add(s);
            }
            results.add(pool.submit(() -> {
                byte[] request = RawHttp.upgradeRequest("/", "127.0.0.1:" + port, "").getBytes(StandardCharsets.ISO_8859_1);
                ready.countDown();
                go.await();
                s.getOutputStream().write(request);
                return RawHttp.read(s.getInputStream()).status();
            }));
        }
        ready.await(10, TimeUnit.SECONDS);
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : results) {
            try {
                statuses.add(f.get(10, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : e;
            }
        }
        return statuses;
    }
}
