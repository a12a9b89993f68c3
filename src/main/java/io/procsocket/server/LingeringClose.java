package io.procsocket.server;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ScheduledExecutorService;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.nio.NIOConnection;

/**
 * Ends a WebSocket connection the server refuses to read on (1002, 1008, 1009) after its close frame: the output is
 * shut down at once (FIN after the close frame), and the connection is closed when the client closes its side or
 * after {@code lingerMs}. Closing outright while the client is still sending (the rest of a message too big to
 * take) leaves its bytes unread, and a socket closed with unread bytes sends RST, which can make the client's
 * kernel discard our close frame before the client has read it: the client then sees 1006, not the code it was
 * sent. Meanwhile the caller drops whatever arrives (the connection is marked failed), so lingering costs no memory.
 */
final class LingeringClose extends EmptyCompletionHandler<WriteResult> {
    private final Connection<?> connection;
    private final ScheduledExecutorService timer;
    private final long lingerMs;

    private LingeringClose(Connection<?> connection, ScheduledExecutorService timer, long lingerMs) {
        this.connection = connection;
        this.timer = timer;
        this.lingerMs = lingerMs;
    }

    /** From a filter: writes {@code frame} on from that filter down (TLS included), then lingers as above. */
    static void write(FilterChainContext ctx, Object frame, ScheduledExecutorService timer, long lingerMs) {
        ctx.write(null, frame, new LingeringClose(ctx.getConnection(), timer, lingerMs));
    }

    /** From outside a filter (a timer): through the whole chain, as any other write on the connection. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void write(Connection<?> connection, Object frame, ScheduledExecutorService timer, long lingerMs) {
        ((Connection) connection).write(frame, (org.glassfish.grizzly.CompletionHandler)
                new LingeringClose(connection, timer, lingerMs));
    }

    @Override
    public void completed(WriteResult result) {
        if (!(connection instanceof NIOConnection nio) || !(nio.getChannel() instanceof SocketChannel channel)) {
            connection.closeSilently();
            return;
        }
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            connection.closeSilently();
            return;
        }
        if (ConnectionTimers.schedule(timer, connection::closeSilently, lingerMs) == null) {
            connection.closeSilently(); // shutting down
        }
    }

    @Override
    public void failed(Throwable throwable) {
        connection.closeSilently();
    }
}
