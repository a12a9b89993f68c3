package io.procsocket.shared.redis;

import io.procsocket.message.StdStreamLine;
import io.procsocket.message.StdoutChunk;
import io.procsocket.message.StdoutLine;
import io.procsocket.shared.Frame;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.StreamEntryID;

/**
 * One stream entry, as the bus writes and reads it. On the output stream: one read of the program's output (its
 * frames packed in one field, so a read of many lines costs one Redis operation), or an event (the program
 * started, ended for its clients, was ended for want of clients, or refused a client's input). On the input
 * stream: one client's message, whole. Values are bytes; field names and event words are ASCII.
 */
record BusEntry(StreamEntryID id, Map<String, byte[]> fields) {
    static final String FRAMES = "o";
    static final String EVENT = "e";
    static final String STATUS = "s";
    static final String EPOCH = "n";
    static final String INSTANCE = "i";
    static final String MEMBER = "m";
    static final String PID = "p";
    static final String DATA = "d";
    /** An output entry's number in its run (1, 2, ...; a START begins a run): readers see from it what they missed. */
    static final String SEQ = "q";

    static final String START = "start";
    /** The program ended on its own: its clients are closed as a per-connection program's end closes them. */
    static final String EXIT = "exit";
    /** The program was ended because nobody watched: a boundary for the replay, nobody is closed. */
    static final String IDLE = "idle";
    /** A client's message did not fit the program's stdin: that client is closed (1008). */
    static final String FULL = "full";

    private static final byte LINE = 0;
    private static final byte CHUNK = 1;
    private static final byte STREAM_STDOUT = 2;
    private static final byte STREAM_STDERR = 3;

    static BusEntry of(StreamEntryID id, Map<byte[], byte[]> raw) {
        Map<String, byte[]> fields = new HashMap<>();
        raw.forEach((k, v) -> fields.put(RouteKeys.text(k), v));
        return new BusEntry(id, fields);
    }

    String text(String field) {
        byte[] v = fields.get(field);
        return v == null ? null : RouteKeys.text(v);
    }

    long number(String field, long otherwise) {
        String v = text(field);
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    String event() {
        return text(EVENT);
    }

    /** The frames of an output entry (empty for an event); throws IllegalArgumentException when they are damaged. */
    List<Frame> frames() {
        byte[] packed = fields.get(FRAMES);
        if (packed == null) {
            return List.of();
        }
        ByteBuffer in = ByteBuffer.wrap(packed);
        List<Frame> frames = new ArrayList<>();
        while (in.hasRemaining()) {
            if (in.remaining() < 5) {
                throw new IllegalArgumentException("truncated frame header");
            }
            byte kind = in.get();
            int len = in.getInt();
            if (len < 0 || len > in.remaining()) {
                throw new IllegalArgumentException("frame length " + len + " past the entry's end");
            }
            byte[] body = new byte[len];
            in.get(body);
            Object message = switch (kind) {
                case LINE -> new StdoutLine(new String(body, StandardCharsets.UTF_8));
                case CHUNK -> new StdoutChunk(ByteBuffer.wrap(body));
                case STREAM_STDOUT -> new StdStreamLine(StdStreamLine.Stream.STDOUT, new String(body, StandardCharsets.UTF_8));
                case STREAM_STDERR -> new StdStreamLine(StdStreamLine.Stream.STDERR, new String(body, StandardCharsets.UTF_8));
                default -> throw new IllegalArgumentException("unknown frame kind " + kind);
            };
            frames.add(Frame.of(message));
        }
        return frames;
    }

    /** The fields of an output entry holding {@code frames} (its frames' bytes first), numbered {@code seq}. */
    static Map<byte[], byte[]> output(List<Frame> frames, long seq) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame f : frames) {
            byte kind;
            byte[] body;
            if (f.message() instanceof StdoutLine l) {
                kind = LINE;
                body = l.text().getBytes(StandardCharsets.UTF_8);
            } else if (f.message() instanceof StdoutChunk c) {
                kind = CHUNK;
                ByteBuffer b = c.bytes().duplicate();
                body = new byte[b.remaining()];
                b.get(body);
            } else {
                StdStreamLine s = (StdStreamLine) f.message();
                kind = s.stream() == StdStreamLine.Stream.STDERR ? STREAM_STDERR : STREAM_STDOUT;
                body = s.data().getBytes(StandardCharsets.UTF_8);
            }
            out.write(kind);
            out.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
            out.writeBytes(body);
        }
        Map<byte[], byte[]> f = fields(FRAMES, out.toByteArray());
        f.put(RouteKeys.bytes(SEQ), RouteKeys.bytes(Long.toString(seq)));
        return f;
    }

    static Map<byte[], byte[]> start(String instance, long pid) {
        Map<byte[], byte[]> f = fields(EVENT, RouteKeys.bytes(START));
        f.put(RouteKeys.bytes(INSTANCE), RouteKeys.bytes(instance));
        f.put(RouteKeys.bytes(PID), RouteKeys.bytes(Long.toString(pid)));
        return f;
    }

    static Map<byte[], byte[]> full(String instance, long member) {
        Map<byte[], byte[]> f = fields(EVENT, RouteKeys.bytes(FULL));
        f.put(RouteKeys.bytes(INSTANCE), RouteKeys.bytes(instance));
        f.put(RouteKeys.bytes(MEMBER), RouteKeys.bytes(Long.toString(member)));
        return f;
    }

    static Map<byte[], byte[]> input(String instance, long member, byte[] bytes, int off, int len) {
        byte[] data = new byte[len];
        System.arraycopy(bytes, off, data, 0, len);
        Map<byte[], byte[]> f = fields(DATA, data);
        f.put(RouteKeys.bytes(INSTANCE), RouteKeys.bytes(instance));
        f.put(RouteKeys.bytes(MEMBER), RouteKeys.bytes(Long.toString(member)));
        return f;
    }

    private static Map<byte[], byte[]> fields(String name, byte[] value) {
        Map<byte[], byte[]> f = new LinkedHashMap<>();
        f.put(RouteKeys.bytes(name), value);
        return f;
    }
}
