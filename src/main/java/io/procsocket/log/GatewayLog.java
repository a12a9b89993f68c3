package io.procsocket.log;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * websocketd's LogScope: an immutable set of key:'value' pairs that every line of one request carries.
 * Values and message arguments are escaped ({@link LogText}): they come from the network or from programs.
 * Lines go through java.util.logging (logger {@value #LOGGER_NAME}); {@link WebsocketdFormatter}
 * renders them exactly as websocketd does.
 */
public final class GatewayLog {
    public static final String LOGGER_NAME = "io.procsocket";
    private static final Logger LOGGER = Logger.getLogger(LOGGER_NAME);
    private static final GatewayLog ROOT = new GatewayLog(List.of());
    /**
     * In a servlet container the container's own formatter writes our records and knows nothing of
     * categories and key:'value' pairs, so they are put into the message text instead of being lost.
     */
    private static volatile boolean inline;

    private final List<String[]> pairs;

    private GatewayLog(List<String[]> pairs) {
        this.pairs = pairs;
    }

    /** The JUL logger behind every scope; held here so its level is never lost to garbage collection. */
    public static Logger logger() {
        return LOGGER;
    }

    /** Inside a servlet container: carry category and pairs in the message text (see {@link #inline}). */
    public static void inlineAssociations() {
        inline(true);
    }

    static void inline(boolean on) {
        inline = on;
    }

    public static GatewayLog root() {
        return ROOT;
    }

    public GatewayLog with(String key, String value) {
        List<String[]> more = new ArrayList<>(pairs.size() + 1);
        more.addAll(pairs);
        more.add(new String[] {key, value == null ? "" : LogText.value(value)});
        return new GatewayLog(List.copyOf(more));
    }

    public boolean isEnabled(Level level) {
        return LOGGER.isLoggable(level);
    }

    public void debug(String category, String format, Object... args) {
        log(GatewayLevel.DEBUG, category, format, args);
    }

    public void trace(String category, String format, Object... args) {
        log(GatewayLevel.TRACE, category, format, args);
    }

    public void access(String category, String format, Object... args) {
        log(GatewayLevel.ACCESS, category, format, args);
    }

    public void info(String category, String format, Object... args) {
        log(GatewayLevel.INFO, category, format, args);
    }

    public void error(String category, String format, Object... args) {
        log(GatewayLevel.ERROR, category, format, args);
    }

    public void fatal(String category, String format, Object... args) {
        log(GatewayLevel.FATAL, category, format, args);
    }

    private void log(Level level, String category, String format, Object... args) {
        if (!LOGGER.isLoggable(level)) {
            return;
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof CharSequence cs) {
                args[i] = LogText.text(cs.toString());
            }
        }
        String text = args.length == 0 ? format : String.format(format, args);
        String assoc = associations();
        LogRecord record = new LogRecord(level, inline ? category + " | " + assoc + " | " + text : text);
        record.setLoggerName(LOGGER_NAME);
        record.setParameters(new Object[] {category, assoc});
        LOGGER.log(record);
    }

    String associations() {
        StringBuilder sb = new StringBuilder();
        for (String[] pair : pairs) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(pair[0]).append(":'").append(pair[1]).append('\'');
        }
        return sb.toString();
    }
}
