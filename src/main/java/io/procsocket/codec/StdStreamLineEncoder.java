package io.procsocket.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.procsocket.message.StdStreamLine;
import jakarta.websocket.EncodeException;
import jakarta.websocket.Encoder;
import java.io.IOException;
import java.io.StringWriter;

/**
 * {@link StdStreamLine} to {@code {"stream":"stdout","data":"..."}}. A real JSON generator does the
 * escaping (quotes, backslashes, control characters, U+2028), which hand-built strings get wrong.
 */
public final class StdStreamLineEncoder implements Encoder.Text<StdStreamLine> {
    /** Thread-safe and costly to build: one for the whole gateway. */
    private static final JsonFactory JSON = JsonFactory.builder().build();

    @Override
    public String encode(StdStreamLine line) throws EncodeException {
        StringWriter out = new StringWriter(line.data().length() + 32);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("stream", line.stream().json());
            g.writeStringField("data", line.data());
            g.writeEndObject();
        } catch (IOException e) {
            throw new EncodeException(line, "cannot write JSON", e);
        }
        return out.toString();
    }
}
