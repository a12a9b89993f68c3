package io.procsocket.log;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code time | LEVEL  | category   | key:'value' ... | message}, byte for byte websocketd's layout,
 * so tools that parse websocketd logs keep working. Records from other loggers (Grizzly, Tyrus) get
 * their logger's simple name as category.
 */
public final class WebsocketdFormatter extends Formatter {
    private static final DateTimeFormatter RFC1123Z =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US);

    private final ZoneId zone;

    public WebsocketdFormatter() {
        this(ZoneId.systemDefault());
    }

    public WebsocketdFormatter(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public String format(LogRecord record) {
        String category;
        String assoc;
        String message;
        Object[] params = record.getParameters();
        if (GatewayLog.LOGGER_NAME.equals(record.getLoggerName()) && params != null && params.length == 2) {
            category = String.valueOf(params[0]);
            assoc = String.valueOf(params[1]);
            message = record.getMessage();
        } else {
            String name = record.getLoggerName() == null ? "jvm" : record.getLoggerName();
            category = name.substring(name.lastIndexOf('.') + 1);
            assoc = "";
            message = formatMessage(record);
            if (record.getThrown() != null) {
                message = message + ": " + record.getThrown();
            }
            // A library's message may quote what a client sent (a bad header, a bad frame).
            message = LogText.text(message);
        }
        String level = GatewayLevel.effective(record).getName();
        return String.format(Locale.ROOT, "%s | %-6s | %-10s | %s | %s%n",
                RFC1123Z.format(Instant.ofEpochMilli(record.getMillis()).atZone(zone)),
                level.length() > 6 ? level.substring(0, 6) : level, category, assoc, message);
    }
}
