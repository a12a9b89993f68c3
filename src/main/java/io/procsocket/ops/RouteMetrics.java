package io.procsocket.ops;

import io.procsocket.process.ChildProcess;
import java.io.IOException;

/**
 * One route's counters, bound once (no label lookup, no allocation per message). Bytes are payload: a text
 * message's UTF-8 bytes (without the newline a line gets on stdin), a binary message's bytes, procsocket.v1's stdin
 * and output data; protocol framing is not counted.
 */
public interface RouteMetrics {
    RouteMetrics OFF = new RouteMetrics() { };

    /** Starts a program through {@code launch}: counts the start (or its failure), its start time, and later its exit. */
    interface Launch {
        ChildProcess launch() throws IOException;
    }

    default ChildProcess launch(Launch launch) throws IOException {
        return launch.launch();
    }

    /** A WebSocket session of this route opened (its ticket claimed). */
    default void connectionOpened() { }

    default void connectionClosed() { }

    /** One message from a client, of {@code bytes} payload. */
    default void received(long bytes) { }

    /** One message queued for a client (a StdoutLine, StdoutChunk, StdStreamLine or procsocket.v1 event); null: none. */
    default void sent(Object message) { }

    /** A client closed with 1009 for a message over --maxframesize. */
    default void tooBig() { }

    /** --shared: a client joined or left the route's program. */
    default void sharedJoined() { }

    default void sharedLeft() { }

    /** --shared: a client closed for falling behind (its queue over --shared-queue, or output missed on the bus). */
    default void slowClientClosed() { }
}
