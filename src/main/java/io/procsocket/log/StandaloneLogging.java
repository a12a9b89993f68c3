package io.procsocket.log;

import io.procsocket.config.LogFormat;
import io.procsocket.config.LogLevel;
import java.io.PrintStream;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Standalone only: every log line on standard output, as websocketd writes it or (--logformat=json) as one JSON
 * object a line. A container keeps its own handlers.
 */
public final class StandaloneLogging {
    private StandaloneLogging() { }

    /** websocketd's text lines. */
    public static void install(LogLevel level, PrintStream out) {
        install(level, LogFormat.TEXT, out);
    }

    public static void install(LogLevel level, LogFormat format, PrintStream out) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level threshold = GatewayLevel.of(level);
        // JSON escapes what it writes: message arguments then go in as they are, not through LogText.
        GatewayLog.structured(format == LogFormat.JSON);
        Formatter formatter = format == LogFormat.JSON ? new JsonFormatter() : new WebsocketdFormatter();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                // Every record, a library's too, obeys --loglevel at the level it is shown at.
                if (!isLoggable(record) || GatewayLevel.effective(record).intValue() < threshold.intValue()) {
                    return;
                }
                String line = formatter.format(record);
                // One write per line and a flush: tools tail this output waiting for a request to appear. This
                // runs on the log's own thread (AsyncLogHandler), so a blocked stdout holds up only the log.
                synchronized (out) {
                    out.print(line);
                    out.flush();
                }
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                out.flush();
            }
        };
        handler.setLevel(Level.ALL);
        root.addHandler(new AsyncLogHandler(handler));
        // Libraries only speak up when something is wrong (WARNING, shown as INFO); our own logger follows
        // --loglevel, and the handler holds theirs to it too.
        root.setLevel(level == LogLevel.NONE ? Level.OFF : Level.WARNING);
        GatewayLog.logger().setLevel(threshold);
        Logger.getLogger("org.glassfish").setLevel(level == LogLevel.NONE ? Level.OFF : Level.WARNING);
    }
}
