package io.procsocket.gateway;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A front door's own way to write whole, already framed WebSocket messages to one upgraded connection, in
 * the same stream as the container's writes. The standalone server has one (a shared program's output is framed
 * once for all its clients, and what is queued for a client goes out in one write); a servlet container does not,
 * and its clients are sent each message through JSR 356.
 */
public interface FrameWriter {
    /** Writes {@code frames} (one or more complete frames); {@code done} gets null, or why it failed. Never blocks. */
    void write(ByteBuffer frames, Consumer<Throwable> done);

    /** Closes the connection at once, whatever is still queued for it (a peer that will not read its close frame). */
    void abort();
}
