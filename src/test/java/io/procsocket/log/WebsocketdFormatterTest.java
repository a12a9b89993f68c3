package io.procsocket.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** Byte-for-byte websocketd log lines: tools that parse websocketd's output must keep working. */
class WebsocketdFormatterTest {
    private static final Instant WHEN = Instant.parse("2026-11-23T22:00:00Z");

    /** Logs through the real GatewayLog path and returns the records it produced. */
    private static List<LogRecord> capture(Runnable logging) {
        return CapturedRecords.of(WHEN, logging);
    }

    @Test
    void accessLineHasWebsocketdsExactLayout() {
        List<LogRecord> r = capture(() -> GatewayLog.root().with("url", "http://127.0.0.1:8080/").with("id", "1732")
                .access("session", "CONNECT"));
        assertEquals("Mon, 23 Nov 2026 22:00:00 +0000 | ACCESS | session    | url:'http://127.0.0.1:8080/' id:'1732' | CONNECT"
                + System.lineSeparator(), new WebsocketdFormatter(ZoneOffset.UTC).format(r.get(0)));
    }

    @Test
    void everyLevelIsPaddedToSixAndCategoryToTen() {
        List<LogRecord> r = capture(() -> {
            GatewayLog log = GatewayLog.root();
            log.debug("process", "d");
            log.trace("x", "t");
            log.info("server", "i %d", 5);
            log.error("stderr", "%s", "100% sure");
            log.fatal("server", "f");
        });
        WebsocketdFormatter f = new WebsocketdFormatter(ZoneOffset.UTC);
        List<String> lines = r.stream().map(f::format).map(String::stripTrailing).toList();
        String t = "Mon, 23 Nov 2026 22:00:00 +0000 | ";
        assertEquals(List.of(
                t + "DEBUG  | process    |  | d",
                t + "TRACE  | x          |  | t",
                t + "INFO   | server     |  | i 5",
                t + "ERROR  | stderr     |  | 100% sure",
                t + "FATAL  | server     |  | f"), lines);
    }

    @Test
    void timeIsRfc1123WithANumericZone() {
        List<LogRecord> r = capture(() -> GatewayLog.root().info("server", "x"));
        String line = new WebsocketdFormatter(ZoneId.of("Europe/Paris")).format(r.get(0));
        assertEquals("Mon, 23 Nov 2026 23:00:00 +0100 | INFO   | server     |  | x", line.stripTrailing());
    }

    @Test
    void messageWithPercentSignsIsNotReformatted() {
        // A child's stderr line is data: "%s" in it must not be treated as a format.
        List<LogRecord> r = capture(() -> GatewayLog.root().error("stderr", "%s", "50%s {0}"));
        assertEquals("50%s {0}", r.get(0).getMessage());
        String line = new WebsocketdFormatter(ZoneOffset.UTC).format(r.get(0)).stripTrailing();
        assertEquals("Mon, 23 Nov 2026 22:00:00 +0000 | ERROR  | stderr     |  | 50%s {0}", line);
    }

    @Test
    void libraryRecordsUseTheirClassNameAsCategoryAndWebsocketdsLevels() {
        LogRecord rec = new LogRecord(Level.SEVERE, "boom {0}");
        rec.setLoggerName("org.glassfish.grizzly.nio.SelectorRunner");
        rec.setParameters(new Object[] {"x"});
        rec.setInstant(WHEN);
        rec.setThrown(new IllegalStateException("why"));
        assertEquals("Mon, 23 Nov 2026 22:00:00 +0000 | ERROR  | SelectorRunner |  | boom x: java.lang.IllegalStateException: why",
                new WebsocketdFormatter(ZoneOffset.UTC).format(rec).stripTrailing());
        // websocketd has no WARNING: a library's warning is shown (and filtered) as INFO.
        LogRecord warning = new LogRecord(Level.WARNING, "connection reset");
        warning.setLoggerName("org.glassfish.tyrus.core.TyrusWebSocket");
        warning.setInstant(WHEN);
        assertEquals("Mon, 23 Nov 2026 22:00:00 +0000 | INFO   | TyrusWebSocket |  | connection reset",
                new WebsocketdFormatter(ZoneOffset.UTC).format(warning).stripTrailing());
    }

    @Test
    void valuesAreQuotedInAddedOrder() {
        GatewayLog log = GatewayLog.root().with("a", "1").with("b", null).with("c", "x y");
        assertEquals("a:'1' b:'' c:'x y'", log.associations());
    }
}
