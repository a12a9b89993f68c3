package io.procsocket.endpoint;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;

/** How a child's end reads as a close frame: 1000 for exit 0, 1011 otherwise, the status in the reason. */
public final class CloseReasons {
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
}
