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
        RecordParts parts = RecordParts.of(record, this);
        String category = parts.category();
        String assoc = parts.logger() == null ? String.valueOf(parts.fields()) : "";
        // A library's message may quote what a client sent (a bad header, a bad frame).
        String message = parts.logger() == null ? parts.message() : LogText.text(parts.message());
        String level = GatewayLevel.effective(record).getName();
        return String.format(Locale.ROOT, "%s | %-6s | %-10s | %s | %s%n",
                RFC1123Z.format(Instant.ofEpochMilli(record.getMillis()).atZone(zone)),
                level.length() > 6 ? level.substring(0, 6) : level, category, assoc, message);
    }
}
