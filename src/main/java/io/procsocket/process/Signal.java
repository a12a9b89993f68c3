package io.procsocket.process;

/**
 * The signals the kill sequence sends, by name: the native backend sends the Linux numbers through kill(2), the
 * portable one the names through kill(1) (numbers differ between Unix systems), and on Windows, which has no
 * signals, TERM and KILL both end the process outright.
 */
public enum Signal {
    INT(2), TERM(15), KILL(9);

    private final int linux;

    Signal(int linux) {
        this.linux = linux;
    }

    /** The number on Linux (x86-64 and aarch64 share these). */
    public int linuxNumber() {
        return linux;
    }
}
