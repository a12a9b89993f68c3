package io.procsocket.server;

import io.procsocket.process.NoWaiting;
import io.procsocket.process.StdinBacklog;
import java.io.IOException;
import java.util.concurrent.Executor;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.Transport;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.attributes.AttributeBuilder;
import org.glassfish.grizzly.nio.NIOConnection;
import org.glassfish.grizzly.strategies.AbstractIOStrategy;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;

/**
 * Reads a gateway or echo connection's frames on the selector thread that saw them, and everything else
 * on a worker thread. Handing each frame to a worker cost two thread wake-ups per message (measured: most
 * of the gap to websocketd); but a frame handler may have to wait for a child that does not read its
 * stdin, and a selector thread that waits freezes every connection on it. So a connection is read on
 * the selector thread only while its {@link StdinBacklog} is clear, with stdin writes forbidden to
 * wait ({@link NoWaiting}); once bytes wait for its child, its next reads go to a worker, which may wait.
 * The echo endpoint likewise: read on the selector thread, answering with sends that never wait, while
 * nothing it sent is still queued for the client; then on a worker, whose sends wait. So at most one
 * socket read's worth waits in memory. HTTP and handshakes (which start a process) stay on workers.
 */
final class AdaptiveIOStrategy extends AbstractIOStrategy {
    /** Set by the upgrade guard on a connection to the echo endpoint. */
    static final Attribute<Boolean> ECHO =
            AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(AdaptiveIOStrategy.class.getName() + ".echo");
    /** Set by the upgrade guard on a connection it admitted to the gateway. */
    static final Attribute<StdinBacklog> STDIN =
            AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(AdaptiveIOStrategy.class.getName() + ".stdin");

    private static final SameThreadIOStrategy SAME = SameThreadIOStrategy.getInstance();
    private static final WorkerThreadIOStrategy WORKER = WorkerThreadIOStrategy.getInstance();

    @Override
    public boolean executeIoEvent(Connection connection, IOEvent ioEvent, boolean isIoEventEnabled)
            throws IOException {
        if (ioEvent != IOEvent.READ || !keepsUp(connection)) {
            return WORKER.executeIoEvent(connection, ioEvent, isIoEventEnabled);
        }
        NoWaiting.enter();
        try {
            return SAME.executeIoEvent(connection, ioEvent, isIoEventEnabled);
        } finally {
            NoWaiting.exit();
        }
    }

    /** Nothing of this connection's is waiting: for the gateway, on its child; for the echo, on its client. */
    private static boolean keepsUp(Connection connection) {
        StdinBacklog stdin = STDIN.get(connection);
        if (stdin != null) {
            return !stdin.backlogged();
        }
        return ECHO.isSet(connection) && connection instanceof NIOConnection nio
                && nio.getAsyncWriteQueue().spaceInBytes() == 0;
    }

    @Override
    public Executor getThreadPoolFor(Connection connection, IOEvent ioEvent) {
        return WORKER.getThreadPoolFor(connection, ioEvent);
    }

    @Override
    public ThreadPoolConfig createDefaultWorkerPoolConfig(Transport transport) {
        return WORKER.createDefaultWorkerPoolConfig(transport);
    }
}
