package io.procsocket.log;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/** The records the real GatewayLog path produces for {@code logging}, every level on, all stamped {@code when}. */
final class CapturedRecords {
    private CapturedRecords() { }

    static List<LogRecord> of(Instant when, Runnable logging) {
        List<LogRecord> records = new ArrayList<>();
        Handler h = new Handler() {
            @Override public void publish(LogRecord r) { records.add(r); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Level previous = GatewayLog.logger().getLevel();
        GatewayLog.logger().setLevel(Level.ALL);
        GatewayLog.logger().addHandler(h);
        try {
            logging.run();
        } finally {
            GatewayLog.logger().removeHandler(h);
            GatewayLog.logger().setLevel(previous);
        }
        records.forEach(r -> r.setInstant(when));
        return records;
    }
}
