package io.procsocket.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.procsocket.message.ServerEvent;
import jakarta.websocket.EncodeException;
import jakarta.websocket.Encoder;
import java.io.IOException;
import java.io.StringWriter;

/** A {@code procsocket.v1} {@link ServerEvent} to its JSON text message (docs/PROTOCOL.md has the table). */
public final class ServerEventEncoder implements Encoder.Text<ServerEvent> {
    /** Thread-safe and costly to build: one for the whole gateway. */
    private static final JsonFactory JSON = JsonFactory.builder().build();

    @Override
    public String encode(ServerEvent event) throws EncodeException {
        int hint = event instanceof ServerEvent.Output o ? o.data().length() + 40 : 64;
        StringWriter out = new StringWriter(hint);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            write(g, event);
            g.writeEndObject();
        } catch (IOException e) {
            throw new EncodeException(event, "cannot write JSON", e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, ServerEvent event) throws IOException {
        if (event instanceof ServerEvent.Output o) {
            g.writeStringField("type", o.stream().json());
            g.writeNumberField("seq", o.seq());
            g.writeStringField("data", o.data());
        } else if (event instanceof ServerEvent.Start s) {
            g.writeStringField("type", "start");
            g.writeNumberField("pid", s.pid());
            g.writeStringField("id", s.id());
            if (s.resume() != null) {
                g.writeStringField("resume", s.resume());
            }
        } else if (event instanceof ServerEvent.Exit x) {
            g.writeStringField("type", "exit");
            if (x.signal() != null) {
                g.writeStringField("signal", x.signal());
            } else {
                g.writeNumberField("code", x.code());
            }
        } else if (event instanceof ServerEvent.Missed m) {
            g.writeStringField("type", "missed");
            g.writeNumberField("from", m.from());
            g.writeNumberField("to", m.to());
        } else if (event instanceof ServerEvent.Error e) {
            g.writeStringField("type", "error");
            g.writeStringField("message", e.message());
        }
    }
}
