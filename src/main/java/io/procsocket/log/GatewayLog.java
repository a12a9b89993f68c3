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
 * renders them exactly as websocketd does, {@link JsonFormatter} as one JSON object a line. A record's
 * parameters are {@code {category, Fields}}; the {@link Fields}' text is the {@code key:'value'} pairs.
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
    /**
     * Standalone with --logformat=json: messages are formatted from the arguments as they are, since the JSON
     * generator escapes what it writes ({@link JsonFormatter}); websocketd's text needs {@link LogText} instead.
     */
    private static volatile boolean structured;

    /** Each {key, value escaped for key:'value', value as given}. */
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

    /** Whether message arguments go into the message as they are (JSON) or escaped (text); see {@link #structured}. */
    static void structured(boolean on) {
        structured = on;
    }

    public static GatewayLog root() {
        return ROOT;
    }

    public GatewayLog with(String key, String value) {
        List<String[]> more = new ArrayList<>(pairs.size() + 1);
        more.addAll(pairs);
        String raw = value == null ? "" : value;
        more.add(new String[] {key, LogText.value(raw), raw});
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
        if (!structured) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof CharSequence cs) {
                    args[i] = LogText.text(cs.toString());
                }
            }
        }
        String text = args.length == 0 ? format : String.format(format, args);
        Fields fields = new Fields(pairs);
        LogRecord record = new LogRecord(level, inline ? category + " | " + fields + " | " + text : text);
        record.setLoggerName(LOGGER_NAME);
        record.setParameters(new Object[] {category, fields});
        LOGGER.log(record);
    }

    String associations() {
        return new Fields(pairs).toString();
    }

    /**
     * A record's key/value pairs. Its text ({@link #toString}) is websocketd's {@code key:'value' ...}, values
     * escaped, which is what a formatter that knows only strings (a container's) gets; {@link JsonFormatter}
     * takes the values as they were given.
     */
    static final class Fields {
        private final List<String[]> pairs;

        private Fields(List<String[]> pairs) {
            this.pairs = pairs;
        }

        /** How many pairs, in the order they were added. */
        int size() {
            return pairs.size();
        }

        String key(int i) {
            return pairs.get(i)[0];
        }

        /** The value as it was given (null as ""), not escaped. */
        String value(int i) {
            return pairs.get(i)[2];
        }

        @Override
        public String toString() {
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
}
