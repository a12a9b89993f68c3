import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.glassfish.tyrus.client.ClientManager;

/**
 * Throwaway load client (not a test): CONNECTIONS clients each do sequential echo round trips through
 * `cat` for SECONDS and the total rate is printed. With DEAF > 0, that many extra clients first upgrade
 * to /deaf (a child that never reads stdin) and push 8 MiB at it, so the rate shows whether one stuck
 * child freezes everybody else.
 *
 *   java -cp 'WEB-INF/lib-provided/*' EchoBench.java PORT CONNECTIONS SECONDS [DEAF]
 */
public class EchoBench {
    static final class Client extends Endpoint {
        final BlockingQueue<String> replies = new ArrayBlockingQueue<>(16);
        volatile Session session;

        @Override
        public void onOpen(Session s, EndpointConfig c) {
            session = s;
            s.setMaxIdleTimeout(0);
            s.addMessageHandler(String.class, (MessageHandler.Whole<String>) replies::add);
        }

        @Override
        public void onClose(Session s, CloseReason r) { }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        int deaf = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        ClientManager manager = ClientManager.createClient();
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create().build();

        for (int i = 0; i < deaf; i++) {
            Client c = new Client();
            manager.connectToServer(c, config, URI.create("ws://127.0.0.1:" + port + "/deaf"));
            if (!"ready".equals(c.replies.poll(10, TimeUnit.SECONDS))) {
                throw new IllegalStateException("deaf child did not start");
            }
            String chunk = "d".repeat(64 * 1024);
            for (int k = 0; k < 128; k++) {
                c.session.getAsyncRemote().sendText(chunk); // async: the client itself must not block
            }
        }

        AtomicLong roundTrips = new AtomicLong();
        AtomicLong stalls = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        long[] endHolder = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Client c = new Client();
            try {
                manager.connectToServer(c, config, URI.create("ws://127.0.0.1:" + port + "/echo"));
            } catch (Exception e) {
                refused.incrementAndGet(); // not even the handshake got through: the server is frozen
                continue;
            }
            Thread t = new Thread(() -> {
                String msg = "0123456789abcdef0123456789abcdef"; // 32 bytes, a typical small message
                try {
                    while (System.nanoTime() < endHolder[0]) {
                        c.session.getBasicRemote().sendText(msg);
                        String r = c.replies.poll(2, TimeUnit.SECONDS);
                        if (r == null) {
                            stalls.incrementAndGet(); // no echo within 2 s: this connection is frozen
                            return;
                        }
                        roundTrips.incrementAndGet();
                    }
                    c.session.close();
                } catch (Exception e) {
                    stalls.incrementAndGet();
                }
            });
            threads.add(t);
        }
        long start = System.nanoTime();
        endHolder[0] = start + TimeUnit.SECONDS.toNanos(seconds); // set before any thread starts
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("connections=%d deaf=%d seconds=%.1f roundtrips=%d rate=%.0f/s frozen_connections=%d"
                + " failed_handshakes=%d%n", connections, deaf, secs, roundTrips.get(), roundTrips.get() / secs,
                stalls.get(), refused.get());
        System.exit(0);
    }
}
