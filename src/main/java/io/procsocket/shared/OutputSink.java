package io.procsocket.shared;

import java.util.List;

/** Where a shared program's output goes: this instance's audience, or a bus other instances read. */
public interface OutputSink {
    /** Frames read in one go, in order. Never blocks. */
    void publish(List<Frame> frames);

    /** Whether the program may be read further now; when not, the sink calls the room listener later. */
    boolean hasRoom();
}
