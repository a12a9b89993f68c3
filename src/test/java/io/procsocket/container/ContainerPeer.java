package io.procsocket.container;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A recording WebSocket client on java.net.http, for the in-container suite: its classpath must hold no
 * Tyrus (stack notes trap 1), so the shared Tyrus-based EventSocket cannot be used there. Same idea:
 * every message into a queue, the close into a future, bounded waits only.
 */
final class ContainerPeer implements WebSocket.Listener {
    static final Duration WAIT = Duration.ofSeconds(15);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(WAIT).build();

    /** A close frame as received: code and reason. */
    record Close(int code, String reason) { }

    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private WebSocket socket;

    static ContainerPeer connect(URI uri) throws Exception {
        return connect(uri, null);
    }

    /** Offering {@code subprotocol} (null: none) in the handshake. */
    static ContainerPeer connect(URI uri, String subprotocol) throws Exception {
        return connect(uri, subprotocol, null);
    }

    /** Offering {@code subprotocol} and sending {@code authorization} as the Authorization header (null: none). */
    static ContainerPeer connect(URI uri, String subprotocol, String authorization) throws Exception {
        ContainerPeer peer = new ContainerPeer();
        WebSocket.Builder builder = CLIENT.newWebSocketBuilder().connectTimeout(WAIT);
        if (subprotocol != null) {
            builder.subprotocols(subprotocol);
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        peer.socket = builder.buildAsync(uri, peer).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return peer;
    }

    /** The subprotocol the server chose; "" for none. */
    String subprotocol() {
        return socket.getSubprotocol();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.writeBytes(bytes);
        if (last) {
            messages.add(binary.toByteArray());
            binary.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Close(1006, String.valueOf(error)));
    }

    void send(String message) throws Exception {
        socket.sendText(message, true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void send(byte[] message) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(message), true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts the closing handshake from the client side with 1000. */
    void close() throws Exception {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    String nextText() throws InterruptedException {
        Object m = next();
        if (!(m instanceof String)) {
            throw new AssertionError("expected a text message, got binary");
        }
        return (String) m;
    }

    byte[] nextBinary() throws InterruptedException {
        Object m = next();
        if (!(m instanceof byte[])) {
            throw new AssertionError("expected a binary message, got text: " + m);
        }
        return (byte[]) m;
    }

    private Object next() throws InterruptedException {
        Object m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no message within " + WAIT + (closed.isDone() ? "; closed: " + closed.join() : ""));
        }
        return m;
    }

    /** The text messages still queued once the server has closed (for scripts that print and exit). */
    java.util.List<String> textsUntilClose() throws Exception {
        awaitClose();
        java.util.List<String> all = new java.util.ArrayList<>();
        for (Object m : messages) {
            if (m instanceof String s) {
                all.add(s);
            }
        }
        messages.clear();
        return all;
    }

    Close awaitClose() throws InterruptedException, ExecutionException {
        try {
            return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("connection not closed within " + WAIT);
        }
    }
}
