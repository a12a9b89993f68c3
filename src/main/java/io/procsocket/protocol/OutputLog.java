package io.procsocket.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One program's output messages as procsocket.v1 numbers them (seq, from 1), and with --resume the latest of them,
 * kept so that a client that lost its connection gets what it missed. Bounded in bytes: the oldest go first, and
 * a resuming client is told which it can no longer have. Every message counts {@link #OVERHEAD} bytes more than its
 * payload, so a flood of empty lines is bounded too. Not thread-safe: its owner's lock guards it.
 */
public final class OutputLog {
    /** What keeping one message costs besides its payload (the entry, the message object, the string header). */
    static final int OVERHEAD = 64;

    private record Entry(long seq, Object message, long bytes) { }

    /** What a resuming client gets: the seqs it can no longer have (none when {@code missedTo < missedFrom}), then the rest. */
    public record Replay(long missedFrom, long missedTo, List<Object> messages) {
        public boolean missed() {
            return missedTo >= missedFrom;
        }
    }

    private final long maxBytes;
    private final ArrayDeque<Entry> kept = new ArrayDeque<>();
    private long bytes;
    private long lastSeq;

    /** @param maxBytes how much to keep; 0 keeps nothing (no --resume) and only numbers the messages */
    public OutputLog(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The seq of the next message. */
    public long next() {
        return ++lastSeq;
    }

    public long lastSeq() {
        return lastSeq;
    }

    /** Keeps a message numbered by {@link #next}, dropping the oldest beyond the bound. */
    public void keep(long seq, Object message, int payloadBytes) {
        if (maxBytes == 0) {
            return;
        }
        long size = (long) payloadBytes + OVERHEAD;
        kept.add(new Entry(seq, message, size));
        bytes += size;
        while (bytes > maxBytes && !kept.isEmpty()) {
            bytes -= kept.poll().bytes();
        }
    }

    /** Everything after {@code since}, or null when {@code since} is ahead of the output (no client can have that). */
    public Replay after(long since) {
        if (since > lastSeq) {
            return null;
        }
        long firstKept = kept.isEmpty() ? lastSeq + 1 : kept.peek().seq();
        List<Object> messages = new ArrayList<>();
        for (Entry e : kept) {
            if (e.seq() > since) {
                messages.add(e.message());
            }
        }
        return new Replay(since + 1, firstKept - 1, messages);
    }

    /** Bytes kept now, overhead included. */
    public long keptBytes() {
        return bytes;
    }
}
