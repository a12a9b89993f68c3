package io.procsocket.server;

import io.procsocket.log.GatewayLog;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.attributes.AttributeBuilder;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;

/**
 * --headertimeoutms: a connection that is ready for a request (just accepted, or its last response sent) must
 * deliver that request's complete headers within the limit, or it is closed. This is the slowloris defence
 * websocketd lacks: without it, a client that sends one header byte every few seconds holds a connection and
 * its buffers forever. A connection that sent nothing at all is an idle keep-alive and is closed quietly; one
 * that sent part of a request is logged. Upgraded connections leave the clock for good (WebSocket traffic
 * has its own limits, {@link ClientFrameGuardFilter}).
 *
 * Two filters share one clock per connection: {@link #bytes()} sits before the HTTP codec and only notes
 * that bytes arrived; {@link #requests()} sits after it, where whole request heads and finished responses pass.
 */
final class RequestHeadTimeout {
    private static final Attribute<Clock> CLOCK = AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(RequestHeadTimeout.class.getName() + ".clock");
    private static final Attribute<Boolean> STARTED = AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(RequestHeadTimeout.class.getName() + ".started");

    private final long timeoutMs;
    private final ScheduledExecutorService timer;
    private final Filter bytes = new Bytes();
    private final Filter requests = new Requests();

    RequestHeadTimeout(long timeoutMs, ScheduledExecutorService timer) {
        this.timeoutMs = timeoutMs;
        this.timer = timer;
    }

    /** Goes before the HTTP codec (after TLS): starts the clock at accept, notes bytes of a request in progress. */
    Filter bytes() {
        return bytes;
    }

    /** Goes right after the HTTP codec: stops the clock at a complete request head, restarts it after the response. */
    Filter requests() {
        return requests;
    }

    private final class Bytes extends BaseFilter {
        @Override
        public NextAction handleAccept(FilterChainContext ctx) throws IOException {
            Connection<?> connection = ctx.getConnection();
            Clock clock = new Clock(connection);
            CLOCK.set(connection, clock);
            connection.addCloseListener((closeable, type) -> clock.stop(false));
            clock.start();
            return ctx.getInvokeAction();
        }

        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            Clock clock = CLOCK.get(ctx.getConnection());
            if (clock != null) {
                clock.heard = true;
            }
            return ctx.getInvokeAction();
        }
    }

    private final class Requests extends BaseFilter {
        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            if (ctx.getMessage() instanceof HttpContent content) {
                HttpHeader header = content.getHttpHeader();
                // Every piece of a request's body arrives with its head: only the first one is news.
                if (header.isRequest() && !STARTED.isSet(header)) {
                    STARTED.set(header, Boolean.TRUE);
                    Clock clock = CLOCK.get(ctx.getConnection());
                    if (clock != null) {
                        clock.stop("websocket".equalsIgnoreCase(header.getUpgrade()));
                    }
                }
            }
            return ctx.getInvokeAction();
        }

        @Override
        public NextAction handleWrite(FilterChainContext ctx) throws IOException {
            if (ctx.getMessage() instanceof HttpContent content && content.isLast()
                    && !content.getHttpHeader().isRequest()) {
                Clock clock = CLOCK.get(ctx.getConnection());
                if (clock != null) {
                    clock.start();
                }
            }
            return ctx.getInvokeAction();
        }
    }

    /** One connection's clock: running while the connection owes us a request head. */
    private final class Clock {
        private final Connection<?> connection;
        /** Set by the reading thread, read by the timer: some bytes of the awaited request have arrived. */
        volatile boolean heard;
        private ScheduledFuture<?> task;
        private boolean upgraded;

        Clock(Connection<?> connection) {
            this.connection = connection;
        }

        synchronized void start() {
            if (upgraded || timeoutMs <= 0) {
                return;
            }
            heard = false;
            cancel();
            task = ConnectionTimers.schedule(timer, this::expired, timeoutMs);
        }

        synchronized void stop(boolean forGood) {
            upgraded |= forGood;
            cancel();
        }

        private void cancel() {
            if (task != null) {
                task.cancel(false);
                task = null;
            }
        }

        private void expired() {
            synchronized (this) {
                if (task == null) {
                    return;
                }
                task = null;
            }
            if (heard) {
                GatewayLog.root().with("remote", GrizzlyRequests.remoteAddr(connection)).access("http",
                        "request headers not complete within %d ms (--headertimeoutms), closing the connection",
                        timeoutMs);
            }
            connection.closeSilently();
        }
    }
}
