package io.procsocket.config;

/**
 * A bad command line. The message is the one line printed to the user before exiting non-zero, with
 * websocketd's status: 2 for a flag its parser refuses (unknown, missing its value, not a number or a
 * boolean), 1 for a command line that parses but cannot run (no such command, a bad log level, flags that do
 * not go together).
 */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;
    /** Go's flag package exits 2 on a flag it cannot parse. */
    public static final int BAD_FLAG = 2;
    /** websocketd's own checks exit 1. */
    public static final int UNUSABLE = 1;

    private final int exitStatus;

    public UsageException(String message) {
        this(message, UNUSABLE);
    }

    public UsageException(String message, int exitStatus) {
        super(message, null, false, false);
        this.exitStatus = exitStatus;
    }

    public int exitStatus() {
        return exitStatus;
    }
}
