package io.procsocket.ops;

import io.procsocket.message.ServerEvent;
import io.procsocket.message.StdStreamLine;
import io.procsocket.message.StdoutChunk;
import io.procsocket.message.StdoutLine;
import io.procsocket.message.StreamChunk;

/** A queued message's payload in bytes, exactly, without encoding it: only computed with --metrics on. */
final class Payload {
    private Payload() { }

    static long bytes(Object message) {
        if (message instanceof StdoutLine l) {
            return utf8(l.text());
        }
        if (message instanceof StdoutChunk c) {
            return c.bytes().remaining();
        }
        if (message instanceof StdStreamLine l) {
            return utf8(l.data());
        }
        if (message instanceof StreamChunk c) {
            return c.bytes().remaining();
        }
        if (message instanceof ServerEvent.Output o) {
            return utf8(o.data());
        }
        return 0; // procsocket.v1's start, exit and error events carry no program data
    }

    /** UTF-8 length of {@code s} (an unpaired surrogate counts as the 3 bytes of its replacement character). */
    static long utf8(String s) {
        int n = s.length();
        long bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for the pair's 2 chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
