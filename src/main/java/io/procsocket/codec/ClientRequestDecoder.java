package io.procsocket.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.procsocket.message.ClientRequest;
import io.procsocket.process.Signal;
import jakarta.websocket.Decoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A {@code procsocket.v1} client's JSON text message to a {@link ClientRequest}. Every text decodes: what is not a
 * request the server can carry out becomes {@link ClientRequest.Invalid} with the reason, because a decoder that
 * throws would make the container end the session (and, with it, the program). Unknown fields are ignored, so a
 * newer client still works; nesting is bounded, duplicate fields and trailing text are refused.
 */
public final class ClientRequestDecoder implements Decoder.Text<ClientRequest> {
    /** Deep enough for any request (they are flat), shallow enough that nesting costs nothing. */
    private static final int MAX_DEPTH = 8;
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    @Override
    public ClientRequest decode(String text) {
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return invalid("not a JSON object");
            }
            Fields f = new Fields();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                String problem = f.read(name, value, p);
                if (problem != null) {
                    return invalid(problem);
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return invalid("malformed JSON: text after the object");
            }
            return f.request();
        } catch (JsonProcessingException e) {
            // A limit (nesting depth, number or string length) is reported with no location.
            JsonLocation at = e.getLocation();
            return invalid("malformed JSON" + (at == null ? "" : " at column " + at.getColumnNr()) + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            return invalid("malformed JSON");
        }
    }

    @Override
    public boolean willDecode(String text) {
        return text != null;
    }

    private static ClientRequest invalid(String reason) {
        return new ClientRequest.Invalid(reason);
    }

    /** The fields a request may have, as read. */
    private static final class Fields {
        String type;
        String data;
        String name;
        String token;
        long since = -1;

        /** Reads one field's value; a problem for the client, or null. */
        String read(String field, JsonToken value, JsonParser p) throws IOException {
            switch (field) {
                case "type", "data", "name", "token" -> {
                    if (value != JsonToken.VALUE_STRING) {
                        return "\"" + field + "\" must be a string";
                    }
                    String s = p.getText();
                    switch (field) {
                        case "type" -> type = s;
                        case "data" -> data = s;
                        case "name" -> name = s;
                        default -> token = s;
                    }
                }
                case "since" -> {
                    if (value != JsonToken.VALUE_NUMBER_INT || !p.getNumberType().equals(JsonParser.NumberType.INT)
                            && !p.getNumberType().equals(JsonParser.NumberType.LONG) || p.getLongValue() < 0) {
                        return "\"since\" must be a whole number, 0 or more";
                    }
                    since = p.getLongValue();
                }
                default -> p.skipChildren();
            }
            return null;
        }

        ClientRequest request() {
            if (type == null) {
                return invalid("no \"type\"");
            }
            switch (type) {
                case "stdin" -> {
                    return data == null ? invalid("stdin needs \"data\"")
                            : new ClientRequest.Stdin(data.getBytes(StandardCharsets.UTF_8));
                }
                case "eof" -> {
                    return new ClientRequest.Eof();
                }
                case "signal" -> {
                    if (name == null) {
                        return invalid("signal needs \"name\"");
                    }
                    Signal s = Signal.named(name);
                    return s == null ? invalid("unknown signal \"" + name + "\" (INT, TERM, HUP, QUIT, USR1, USR2 or KILL)")
                            : new ClientRequest.SignalRequest(s);
                }
                case "resume" -> {
                    if (token == null || since < 0) {
                        return invalid("resume needs \"token\" and \"since\"");
                    }
                    return new ClientRequest.Resume(token, since);
                }
                default -> {
                    return invalid("unknown type \"" + type + "\"");
                }
            }
        }
    }
}
