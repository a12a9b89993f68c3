package io.procsocket.log;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Inside a servlet container our records go to the container's own handlers, but through our writer thread
 * ({@link AsyncLogHandler}), so a container log that blocks cannot stop the thread that forwards every child's
 * output. The records reach exactly the handlers they would have reached without us: those of our logger's
 * ancestors, as {@code useParentHandlers} would have walked them. Undone when the web application stops.
 */
public final class ContainerLogging implements AutoCloseable {
    private final Logger logger = GatewayLog.logger();
    private final AsyncLogHandler async;
    private final boolean usedParentHandlers;

    private ContainerLogging() {
        usedParentHandlers = logger.getUseParentHandlers();
        async = new AsyncLogHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                for (Logger l = logger.getParent(); l != null; l = l.getParent()) {
                    for (Handler h : l.getHandlers()) {
                        h.publish(record);
                    }
                    if (!l.getUseParentHandlers()) {
                        break;
                    }
                }
            }

            @Override
            public void flush() { }

            @Override
            public void close() { }
        });
        logger.addHandler(async);
        logger.setUseParentHandlers(false);
    }

    public static ContainerLogging install() {
        return new ContainerLogging();
    }

    /** Writes what is queued (bounded) and gives the container's handlers back their direct use. */
    @Override
    public void close() {
        logger.setUseParentHandlers(usedParentHandlers);
        logger.removeHandler(async);
        async.close();
    }
}
