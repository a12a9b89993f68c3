package io.procsocket.config;

import java.util.Locale;
import java.util.Optional;

/** websocketd's log levels, lowest first; {@code none} silences everything. */
public enum LogLevel {
    DEBUG, TRACE, ACCESS, INFO, ERROR, FATAL, NONE;

    public static Optional<LogLevel> parse(String name) {
        for (LogLevel level : values()) {
            if (level.name().equals(name.toUpperCase(Locale.ROOT))) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
