package io.procsocket.process;

import java.util.Locale;

/**
 * Signals by name: the kill sequence's (INT, TERM, KILL) and those a {@code procsocket.v1} client may send. The
 * native backend sends the Linux numbers through kill(2), the portable one the names through kill(1) (numbers
 * differ between Unix systems), and on Windows, which has no signals, TERM and KILL both end the process outright
 * and the others cannot be sent.
 */
public enum Signal {
    HUP(1), INT(2), QUIT(3), KILL(9), USR1(10), USR2(12), TERM(15);

    /** Names of the signals a program may die of, by Linux number (1-31), for the exit message. */
    private static final String[] LINUX_NAMES = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
        "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
        "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};

    private final int linux;

    Signal(int linux) {
        this.linux = linux;
    }

    /** The number on Linux (x86-64 and aarch64 share these). */
    public int linuxNumber() {
        return linux;
    }

    /** "INT" or "SIGINT", any case; null for anything else. */
    public static Signal named(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.startsWith("SIG")) {
            n = n.substring(3);
        }
        for (Signal s : values()) {
            if (s.name().equals(n)) {
                return s;
            }
        }
        return null;
    }

    /** The name of Linux signal {@code number} ("SEGV"), or "SIG" + the number for one without a name here. */
    public static String linuxName(int number) {
        return number > 0 && number < LINUX_NAMES.length ? LINUX_NAMES[number] : "SIG" + number;
    }
}
