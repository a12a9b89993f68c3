package io.procsocket.endpoint;

/** What a gateway session is joined to: its own program, or a shared one. */
interface ClientSession {
    /** The session is open: start (or join) the program. */
    void start();

    /** The client closed, vanished or failed. Idempotent. */
    void clientGone();

    /** The client closed with {@code reason}, or (null) vanished or failed. Idempotent. */
    default void clientClosed(jakarta.websocket.CloseReason reason) {
        clientGone();
    }
}
