package io.procsocket.testing;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.client.ClientManager;

/**
 * A recording WebSocket client (after Jetty's EventSocket): every message into a queue, a latch for
 * close. Tests wait on these with a bound, never sleep.
 */
public final class EventSocket extends Endpoint implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(10);
    private static final ClientManager CLIENT = ClientManager.createClient();
    /** Largest message a test receives; Tyrus's client refuses frames over 4 MiB unless told otherwise. */
    public static final int MAX_MESSAGE = 64 << 20;

    static {
        CLIENT.getProperties().put(org.glassfish.tyrus.client.ClientProperties.INCOMING_BUFFER_SIZE, MAX_MESSAGE + 64);
    }

    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile CloseReason closeReason;
    private volatile Session session;

    public static EventSocket connect(URI uri) throws IOException, DeploymentException {
        return connect(uri, Map.of());
    }

    /** Offering {@code subprotocols} (procsocket.v1, say) in the handshake. */
    public static EventSocket connect(URI uri, java.util.List<String> subprotocols)
            throws IOException, DeploymentException {
        return connect(uri, Map.of(), subprotocols);
    }

    public static EventSocket connect(URI uri, Map<String, String> headers) throws IOException, DeploymentException {
        return connect(uri, headers, java.util.List.of());
    }

    private static EventSocket connect(URI uri, Map<String, String> headers, java.util.List<String> subprotocols)
            throws IOException, DeploymentException {
        EventSocket socket = new EventSocket();
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(subprotocols)
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, java.util.List<String>> h) {
                        headers.forEach((k, v) -> h.put(k, java.util.List.of(v)));
                    }
                }).build();
        CLIENT.connectToServer(socket, config, uri);
        return socket;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        this.session = session;
        session.setMaxTextMessageBufferSize(MAX_MESSAGE);
        session.setMaxBinaryMessageBufferSize(MAX_MESSAGE);
        // Negative, not the default 0: for 0 Tyrus schedules an idle check on the client container's executor
        // at every send, and that executor shuts down whenever the client has no session left, so a send
        // racing that shutdown failed with RejectedExecutionException (seen in LimitsTest).
        session.setMaxIdleTimeout(-1);
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) messages::add);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) messages::add);
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        closeReason = reason;
        closed.countDown();
    }

    public Session session() {
        return session;
    }

    public void send(String text) throws IOException {
        session.getBasicRemote().sendText(text);
    }

    public void send(ByteBuffer bytes) throws IOException {
        session.getBasicRemote().sendBinary(bytes);
    }

    /** The next message, whatever its kind; fails the test if none arrives in time. */
    public Object next() throws InterruptedException {
        Object m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no message within " + WAIT + (closeReason == null ? "" : "; closed: " + closeReason));
        }
        return m;
    }

    public String nextText() throws InterruptedException {
        Object m = next();
        if (!(m instanceof String)) {
            throw new AssertionError("expected a text message, got " + m);
        }
        return (String) m;
    }

    public ByteBuffer nextBinary() throws InterruptedException {
        Object m = next();
        if (!(m instanceof ByteBuffer)) {
            throw new AssertionError("expected a binary message, got " + m);
        }
        return (ByteBuffer) m;
    }

    /**
     * Binary messages concatenated until {@code total} bytes have arrived: in --binary mode chunk
     * boundaries follow the pipe, so only the byte stream is meaningful.
     */
    public byte[] nextBytes(int total) throws InterruptedException {
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream(total);
        while (got.size() < total) {
            ByteBuffer chunk = nextBinary();
            byte[] c = new byte[chunk.remaining()];
            chunk.get(c);
            got.write(c, 0, c.length);
        }
        return got.toByteArray();
    }

    /** Messages received and not yet taken. */
    public BlockingQueue<Object> messages() {
        return messages;
    }

    public CloseReason awaitClose() throws InterruptedException {
        return awaitClose(WAIT);
    }

    public CloseReason awaitClose(Duration timeout) throws InterruptedException {
        if (!closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("connection not closed within " + timeout);
        }
        return closeReason;
    }

    @Override
    public void close() throws IOException {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close();
        }
    }
}
