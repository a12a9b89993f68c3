package io.procsocket.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Hostile bytes in logged fields cannot end a line, start a fake one, or close a key:'value' pair early. */
class LogForgingTest {
    @Test
    void aNewlineInAValueCannotStartAForgedLine() {
        GatewayLog scope = GatewayLog.root().with("url", "http://h/x\r\nMon, 23 Nov 2026 | ACCESS | session | remote:'6.6.6.6' | CONNECT");
        String assoc = scope.associations();
        assertFalse(assoc.contains("\n") || assoc.contains("\r"), assoc);
        assertTrue(assoc.contains("\\r\\n"), assoc);
    }

    @Test
    void aQuoteInAValueCannotInjectAnotherPair() {
        String assoc = GatewayLog.root().with("origin", "x' remote:'6.6.6.6").with("remote", "127.0.0.1").associations();
        assertEquals("origin:'x\\' remote:\\'6.6.6.6' remote:'127.0.0.1'", assoc);
    }

    @Test
    void controlCharactersAndTerminalEscapesAreShownNotObeyed() {
        assertEquals("a\\x1b[31mred\\x00\\x7f\\x85\\u2028b\tc", LogText.text("a\u001b[31mred\u0000\u007f\u0085\u2028b\tc"));
        assertEquals("plain text, unchanged: ünïcode ok", LogText.text("plain text, unchanged: ünïcode ok"));
        assertEquals("back\\\\slash", LogText.value("back\\slash"));
        assertEquals("back\\slash", LogText.text("back\\slash"));
    }

    @Test
    void messageArgumentsAreEscapedToo() {
        LogRecord[] seen = new LogRecord[1];
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(LogRecord record) {
                seen[0] = record;
            }

            @Override
            public void flush() { }

            @Override
            public void close() { }
        };
        Logger logger = GatewayLog.logger();
        java.util.logging.Level previous = logger.getLevel();
        logger.setLevel(java.util.logging.Level.ALL);
        logger.addHandler(capture);
        try {
            GatewayLog.root().access("session", "Origin parsing error: %s", "evil\nFRI, 01 | FATAL | forged");
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(previous);
        }
        String line = new WebsocketdFormatter(ZoneOffset.UTC).format(seen[0]);
        assertEquals(1, line.split("\n", -1).length - 1, "one line: " + line);
        assertTrue(line.contains("evil\\nFRI"), line);
    }

    @Test
    void aLibrarysMessageIsEscapedAsWell() {
        LogRecord r = new LogRecord(java.util.logging.Level.WARNING, "bad header: X\r\nforged");
        r.setLoggerName("org.glassfish.grizzly.http.HttpCodecFilter");
        String line = new WebsocketdFormatter(ZoneOffset.UTC).format(r);
        assertTrue(line.endsWith("bad header: X\\r\\nforged" + System.lineSeparator()), line);
    }
}
