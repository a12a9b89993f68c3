package io.procsocket.server;

import io.procsocket.process.StdinBacklog;
import java.io.IOException;
import java.util.concurrent.Executor;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.Transport;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.attributes.AttributeBuilder;
import org.glassfish.grizzly.strategies.AbstractIOStrategy;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;

/**
 * Reads a gateway connection's frames on the selector thread that saw them, and everything else on a
 * worker thread. Handing each frame to a worker cost two thread wake-ups per message (measured: most
 * of the gap to websocketd); but a frame handler may have to wait for a child that does not read its
 * stdin, and a selector thread that waits freezes every connection on it. So a connection is read on
 * the selector thread only while its {@link StdinBacklog} is clear, with stdin writes forbidden to
 * wait; once bytes wait for its child, its next reads go to a worker, which may wait for them.
 * HTTP, handshakes (which start a process) and the echo endpoint (whose sends block) stay on workers.
 */
final class AdaptiveIOStrategy extends AbstractIOStrategy {
    /** Set by the upgrade guard on a connection it admitted to the gateway. */
    static final Attribute<StdinBacklog> STDIN =
            AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(AdaptiveIOStrategy.class.getName() + ".stdin");

    private static final SameThreadIOStrategy SAME = SameThreadIOStrategy.getInstance();
    private static final WorkerThreadIOStrategy WORKER = WorkerThreadIOStrategy.getInstance();

    @Override
    public boolean executeIoEvent(Connection connection, IOEvent ioEvent, boolean isIoEventEnabled)
            throws IOException {
        StdinBacklog stdin = ioEvent == IOEvent.READ ? STDIN.get(connection) : null;
        if (stdin == null || stdin.backlogged()) {
            return WORKER.executeIoEvent(connection, ioEvent, isIoEventEnabled);
        }
        stdin.forbidWaitingOnThisThread();
        try {
            return SAME.executeIoEvent(connection, ioEvent, isIoEventEnabled);
        } finally {
            stdin.allowWaiting();
        }
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
