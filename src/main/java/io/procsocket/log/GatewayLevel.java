package io.procsocket.log;

import io.procsocket.config.LogLevel;
import java.util.logging.Level;

/** websocketd's levels as java.util.logging levels, so a container's own handlers show the same names. */
public final class GatewayLevel extends Level {
    private static final long serialVersionUID = 1L;

    public static final Level DEBUG = new GatewayLevel("DEBUG", 500);
    public static final Level TRACE = new GatewayLevel("TRACE", 600);
    public static final Level ACCESS = new GatewayLevel("ACCESS", 750);
    public static final Level INFO = new GatewayLevel("INFO", 800);
    public static final Level ERROR = new GatewayLevel("ERROR", 950);
    public static final Level FATAL = new GatewayLevel("FATAL", 1000);

    private GatewayLevel(String name, int value) {
        super(name, value);
    }

    /**
     * The websocketd level a library's record (Grizzly, Tyrus, the JDK) is shown and filtered at: websocketd has
     * no WARNING, and a library's warnings (a reset connection, a bad frame) are news, not errors. SEVERE is
     * ERROR, WARNING is INFO, anything finer is DEBUG; so --loglevel=error silences their warnings as websocketd
     * would print nothing below ERROR.
     */
    public static Level forLibrary(Level level) {
        int v = level.intValue();
        return v >= Level.SEVERE.intValue() ? ERROR : v >= Level.WARNING.intValue() ? INFO : DEBUG;
    }

    /** The level a record is shown and filtered at: ours as they are, a library's through {@link #forLibrary}. */
    public static Level effective(java.util.logging.LogRecord record) {
        return GatewayLog.LOGGER_NAME.equals(record.getLoggerName()) ? record.getLevel() : forLibrary(record.getLevel());
    }

    public static Level of(LogLevel level) {
        switch (level) {
            case DEBUG: return DEBUG;
            case TRACE: return TRACE;
            case ACCESS: return ACCESS;
            case INFO: return INFO;
            case ERROR: return ERROR;
            case FATAL: return FATAL;
            default: return Level.OFF;
        }
    }
}
