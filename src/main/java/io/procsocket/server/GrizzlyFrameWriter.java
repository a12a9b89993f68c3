package io.procsocket.server;

import io.procsocket.gateway.FrameWriter;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Writes framed messages straight to the Grizzly connection, the way Tyrus's own writer does (through the whole
 * filter chain, so TLS and our frame guard see them). Ordering against Tyrus's writes holds because the caller
 * writes only data frames, one write at a time, and lets Tyrus send the close frame only after its last write
 * has completed.
 */
final class GrizzlyFrameWriter implements FrameWriter {
    private final Connection<?> connection;

    GrizzlyFrameWriter(Connection<?> connection) {
        this.connection = connection;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void write(ByteBuffer frames, Consumer<Throwable> done) {
        if (!connection.isOpen()) {
            done.accept(new IllegalStateException("connection closed"));
            return;
        }
        try {
            ((Connection) connection).write(Buffers.wrap(connection.getMemoryManager(), frames),
                    new EmptyCompletionHandler<Object>() {
                        @Override
                        public void completed(Object result) {
                            done.accept(null);
                        }

                        @Override
                        public void failed(Throwable t) {
                            done.accept(t);
                        }

                        @Override
                        public void cancelled() {
                            done.accept(new IllegalStateException("write cancelled"));
                        }
                    });
        } catch (RuntimeException e) {
            done.accept(e);
        }
    }

    @Override
    public void abort() {
        // terminate, not close: Grizzly's close waits for the write queue to drain, which here it never will.
        connection.terminateSilently();
    }
}
