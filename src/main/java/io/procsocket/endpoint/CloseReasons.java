package io.procsocket.endpoint;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import java.nio.charset.StandardCharsets;

/** How a child's end reads as a close frame: 1000 for exit 0, 1011 otherwise, the status in the reason. */
public final class CloseReasons {
    /** RFC 6455: a close reason is at most 123 bytes of UTF-8. */
    static final int MAX_REASON_BYTES = 123;

    private CloseReasons() { }

    public static CloseReason forExit(int status) {
        if (status == 0) {
            return new CloseReason(CloseCodes.NORMAL_CLOSURE, "exit status 0");
        }
        if (status < 0) {
            return new CloseReason(CloseCodes.UNEXPECTED_CONDITION, "process did not exit");
        }
        return new CloseReason(CloseCodes.UNEXPECTED_CONDITION, "exit status " + status);
    }

    public static String truncate(String reason) {
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        if (b.length <= MAX_REASON_BYTES) {
            return reason;
        }
        int end = MAX_REASON_BYTES;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }
}
