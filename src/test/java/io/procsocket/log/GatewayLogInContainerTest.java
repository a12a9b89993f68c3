package io.procsocket.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** A container's formatter prints only the message: category and pairs must not be lost there. */
class GatewayLogInContainerTest {

    @Test
    void containerLogLinesKeepCategoryAndPairsInTheMessage() {
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() { }

            @Override
            public void close() { }
        };
        Level before = GatewayLog.logger().getLevel();
        GatewayLog.logger().setLevel(Level.ALL);
        GatewayLog.logger().addHandler(handler);
        try {
            GatewayLog scope = GatewayLog.root().with("url", "http://h/ctx/x").with("pid", "42");
            scope.access("session", "CONNECT");
            GatewayLog.inline(true);
            scope.access("session", "DISCONNECT");
        } finally {
            GatewayLog.inline(false);
            GatewayLog.logger().removeHandler(handler);
            GatewayLog.logger().setLevel(before);
        }
        assertEquals("CONNECT", records.get(0).getMessage(), "standalone: the formatter renders the pairs");
        assertEquals("session | url:'http://h/ctx/x' pid:'42' | DISCONNECT", records.get(1).getMessage());
    }
}
