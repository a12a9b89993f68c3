package io.procsocket.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A procsocket.v1 client over {@link EventSocket}: its messages as flat JSON maps, its requests as JSON. */
public final class TesterProtocol {
    public static final String V1 = "procsocket.v1";
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private TesterProtocol() { }

    public static EventSocket connect(java.net.URI uri) throws Exception {
        return EventSocket.connect(uri, List.of(V1));
    }

    /** A flat JSON object (every message of the protocol is one) as a map of strings and longs. */
    public static Map<String, Object> parse(String text) {
        Map<String, Object> out = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new AssertionError("not a JSON object: " + text);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                out.put(name, v == JsonToken.VALUE_NUMBER_INT ? (Object) p.getLongValue() : p.getText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The next message, which must be a JSON text message. */
    public static Map<String, Object> next(EventSocket socket) throws InterruptedException {
        return parse(socket.nextText());
    }

    /** The next message, which must be a JSON text message of {@code type}. */
    public static Map<String, Object> next(EventSocket socket, String type) throws InterruptedException {
        Map<String, Object> m = next(socket);
        if (!type.equals(m.get("type"))) {
            throw new AssertionError("expected a " + type + " message, got " + m);
        }
        return m;
    }

    public static String stdin(String data) {
        return "{\"type\":\"stdin\",\"data\":" + quote(data) + "}";
    }

    public static String signal(String name) {
        return "{\"type\":\"signal\",\"name\":" + quote(name) + "}";
    }

    public static String eof() {
        return "{\"type\":\"eof\"}";
    }

    public static String resume(String token, long since) {
        return "{\"type\":\"resume\",\"token\":" + quote(token) + ",\"since\":" + since + "}";
    }

    /** A binary stdin message: 0, then the bytes. */
    public static ByteBuffer binaryStdin(byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(data.length + 1);
        b.put((byte) 0).put(data).flip();
        return b;
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
