package io.procsocket.shared;

import java.util.ArrayDeque;
import java.util.List;

/**
 * --shared-replay: the latest frames, for a client that joins late. Bounded by count (the flag) and by
 * bytes (one client's send queue: a replay larger than that would only get the joiner dropped at once).
 * Not thread-safe: the audience's lock guards it.
 */
final class ReplayRing {
    private final int maxFrames;
    private final long maxBytes;
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private long bytes;

    ReplayRing(int maxFrames, long maxBytes) {
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    void add(Frame f) {
        if (maxFrames == 0) {
            return;
        }
        frames.add(f);
        bytes += f.bytes();
        while (frames.size() > maxFrames || (bytes > maxBytes && frames.size() > 1)) {
            bytes -= frames.poll().bytes();
        }
    }

    List<Frame> frames() {
        return List.copyOf(frames);
    }
}
