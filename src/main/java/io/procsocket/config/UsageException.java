package io.procsocket.config;

/** A bad command line. The message is the one line printed to the user before exiting non-zero. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message, null, false, false);
    }
}
