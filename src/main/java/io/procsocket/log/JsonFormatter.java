package io.procsocket.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * --logformat=json: one JSON object a line, for log pipelines:
 * <pre>{"time":"2026-11-23T22:00:00.000Z","level":"ACCESS","category":"session",
 * "fields":{"url":"http://127.0.0.1:8080/","id":"1795","remote":"127.0.0.1"},"message":"CONNECT"}</pre>
 * {@code time} is ISO-8601 with milliseconds and the zone's offset; {@code level} and {@code category} are those
 * of websocketd's text line ({@link WebsocketdFormatter}); {@code fields} holds the record's key/value pairs in
 * the order they were added, values as given (so no field can stand in for {@code time} or {@code message}); a
 * key given twice keeps its first place and its last value. Records from other loggers (Grizzly, Tyrus) have
 * empty {@code fields} and their full logger name as {@code logger}.
 *
 * <p>The generator escapes every string, and besides what JSON requires (quotes, backslashes, C0 controls) also
 * DEL, the C1 controls and U+2028/U+2029: a line ends only where we end it, whatever a client or a program sent.
 */
public final class JsonFormatter extends Formatter {
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");
    /** Thread-safe and costly to build: one for every formatter. */
    private static final JsonFactory JSON = new JsonFactoryBuilder().characterEscapes(new LineSafeEscapes()).build();

    private final ZoneId zone;

    public JsonFormatter() {
        this(ZoneId.systemDefault());
    }

    public JsonFormatter(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public String format(LogRecord record) {
        RecordParts parts = RecordParts.of(record, this);
        String category = parts.category();
        GatewayLog.Fields fields = parts.fields() instanceof GatewayLog.Fields f ? f : null;
        String logger = parts.logger();
        String message = parts.message();
        StringWriter out = new StringWriter(128 + (message == null ? 0 : message.length()));
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", ISO_MILLIS.format(Instant.ofEpochMilli(record.getMillis()).atZone(zone)));
            g.writeStringField("level", GatewayLevel.effective(record).getName());
            g.writeStringField("category", category);
            if (logger != null) {
                g.writeStringField("logger", logger);
            }
            g.writeObjectFieldStart("fields");
            if (fields != null) {
                Map<String, String> pairs = new LinkedHashMap<>();
                for (int i = 0; i < fields.size(); i++) {
                    pairs.put(fields.key(i), fields.value(i));
                }
                for (Map.Entry<String, String> pair : pairs.entrySet()) {
                    g.writeStringField(pair.getKey(), pair.getValue());
                }
            }
            g.writeEndObject();
            g.writeStringField("message", message == null ? "" : message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.append('\n').toString();
    }

    /** JSON's own escapes plus DEL, C1 controls (0x80-0x9F, CSI among them) and the Unicode line separators. */
    private static final class LineSafeEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii;

        LineSafeEscapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii[0x7F] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if ((ch >= 0x80 && ch <= 0x9F) || ch == 0x2028 || ch == 0x2029) {
                return new SerializedString(String.format("\\u%04X", ch));
            }
            return null;
        }
    }
}
