package io.procsocket.testing;

import io.procsocket.log.GatewayLog;
import io.procsocket.log.WebsocketdFormatter;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/** Captures the gateway's log lines, formatted exactly as standalone prints them. */
public final class TesterLog extends Handler implements AutoCloseable {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final WebsocketdFormatter formatter = new WebsocketdFormatter();
    private final Level previous;

    private TesterLog(Level level) {
        previous = GatewayLog.logger().getLevel();
        GatewayLog.logger().setLevel(level);
        GatewayLog.logger().addHandler(this);
    }

    public static TesterLog capture() {
        return new TesterLog(Level.ALL);
    }

    /** Only what the gateway writes at {@code level} and above (its logger set to it meanwhile). */
    public static TesterLog capture(Level level) {
        return new TesterLog(level);
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(formatter.format(record).stripTrailing());
    }

    /** The first captured line matching, waiting up to {@code timeout}. */
    public String await(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no log line matched within " + timeout);
            }
            if (match.test(line)) {
                return line;
            }
        }
    }

    /** Lines captured and not yet taken by {@link #await}. */
    public java.util.List<String> lines() {
        return java.util.List.copyOf(lines);
    }

    @Override
    public void flush() { }

    @Override
    public void close() {
        GatewayLog.logger().removeHandler(this);
        GatewayLog.logger().setLevel(previous);
    }
}
