package io.procsocket.config;

import java.util.Locale;
import java.util.Optional;

/** --logformat: websocketd's text lines (the default), or one JSON object a line for log pipelines. */
public enum LogFormat {
    TEXT, JSON;

    public static Optional<LogFormat> parse(String name) {
        for (LogFormat format : values()) {
            if (format.name().equals(name.toUpperCase(Locale.ROOT))) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
