package io.procsocket.process;

import java.io.IOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program that could not be started, with the errno that said why. The message (for the server's log) names
 * the program's path; {@link #errnoName()} is what the client may be told, since a close reason that shows
 * server paths tells an anonymous client how the server's disk is laid out.
 */
public final class LaunchFailure extends IOException {
    private static final long serialVersionUID = 1L;
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(7, "E2BIG"), Map.entry(8, "ENOEXEC"),
            Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"), Map.entry(20, "ENOTDIR"),
            Map.entry(21, "EISDIR"), Map.entry(23, "ENFILE"), Map.entry(24, "EMFILE"), Map.entry(26, "ETXTBSY"),
            Map.entry(36, "ENAMETOOLONG"), Map.entry(40, "ELOOP"));
    /** How the JDK words it: "Cannot run program "x": error=2, No such file or directory" (CreateProcess error=2 on Windows). */
    private static final Pattern JDK_ERRNO = Pattern.compile("error=(\\d+)");

    public static final int ENOENT = 2;
    public static final int EACCES = 13;

    private final int errno;

    /** {@code what} failed with {@code errno}, which the system describes as {@code description}. */
    public LaunchFailure(String what, int errno, String description) {
        super(what + ": error=" + errno + ", " + description);
        this.errno = errno;
    }

    private LaunchFailure(IOException jdk, int errno) {
        super(jdk.getMessage(), jdk);
        this.errno = errno;
    }

    /** ProcessBuilder's failure, whose message already reads as ours (ours was modelled on it). */
    public static LaunchFailure fromJdk(IOException e) {
        Matcher m = JDK_ERRNO.matcher(String.valueOf(e.getMessage()));
        return new LaunchFailure(e, m.find() ? Integer.parseInt(m.group(1)) : 0);
    }

    /** The errno's symbolic name ("ENOENT"), or "errno N" for one without a name here. */
    public String errnoName() {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
