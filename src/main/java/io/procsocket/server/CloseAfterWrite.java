package io.procsocket.server;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.filterchain.FilterChainContext;

/**
 * Writes a last message (a refusal, a close frame) and closes the connection once it has left,
 * whether or not the write succeeded: closing at once could cut the message off.
 */
final class CloseAfterWrite extends EmptyCompletionHandler<WriteResult> {
    private final Connection<?> connection;

    private CloseAfterWrite(Connection<?> connection) {
        this.connection = connection;
    }

    static void write(FilterChainContext ctx, Object message) {
        ctx.write(null, message, new CloseAfterWrite(ctx.getConnection()));
    }

    @Override
    public void completed(WriteResult result) {
        connection.closeSilently();
    }

    @Override
    public void failed(Throwable throwable) {
        connection.closeSilently();
    }
}
