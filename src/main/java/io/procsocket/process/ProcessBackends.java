package io.procsocket.process;

import io.procsocket.process.linux.NativeBackend;
import io.procsocket.process.portable.PortableBackend;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Picks the process backend once, at start-up: the native one where it loads, the portable one anywhere else, or
 * the one {@code -Dprocsocket.processes=native|portable} names (a forced native backend that cannot load fails
 * start-up with the reason). The same rule standalone and in a servlet container.
 */
public final class ProcessBackends {
    public static final String PROPERTY = "procsocket.processes";

    /** Whose JVM this is: standalone the server's own, so the native backend may make it a subreaper. */
    public enum Host { STANDALONE, CONTAINER }

    /** What -Dprocsocket.processes asks for. */
    enum Mode { AUTO, NATIVE, PORTABLE }

    /** The backend in use and why, for the one INFO line at start-up. */
    public record Choice(ProcessBackend backend, String reason) { }

    private ProcessBackends() { }

    /** Starts the backend the system property (or, without it, this system) calls for. */
    public static Choice start(Host host, long closeMs) {
        return choose(System.getProperty(PROPERTY),
                () -> NativeBackend.start(host == Host.STANDALONE, closeMs),
                PortableBackend::start);
    }

    /** The rule, with the backends' starts given so that a test can make the native one fail. */
    static Choice choose(String property, Supplier<ProcessBackend> nativeStart, Supplier<ProcessBackend> portableStart) {
        switch (mode(property)) {
            case NATIVE:
                return new Choice(startNative(nativeStart), "forced by -D" + PROPERTY + "=native");
            case PORTABLE:
                return new Choice(portableStart.get(), "forced by -D" + PROPERTY + "=portable");
            default:
                try {
                    return new Choice(startNative(nativeStart), "it loads here");
                } catch (IllegalStateException e) {
                    return new Choice(portableStart.get(), e.getMessage());
                }
        }
    }

    /** Throws, saying what is wrong in one line, unless the system property is unset, native or portable. */
    public static void checkProperty() {
        mode(System.getProperty(PROPERTY));
    }

    static Mode mode(String property) {
        if (property == null || property.isBlank()) {
            return Mode.AUTO;
        }
        switch (property.trim().toLowerCase(Locale.ROOT)) {
            case "native":
                return Mode.NATIVE;
            case "portable":
                return Mode.PORTABLE;
            default:
                throw new IllegalArgumentException("-D" + PROPERTY + " must be native or portable, not '"
                        + property.trim() + "'");
        }
    }

    /**
     * The native backend, or an IllegalStateException that says in one line why it cannot load. Loading fails as
     * an exception of the class initialiser (not Linux, not 64-bit, glibc too old for a function it binds) or as
     * a linkage error (JNA's own native part missing or refused), depending on where it fails.
     */
    private static ProcessBackend startNative(Supplier<ProcessBackend> nativeStart) {
        try {
            return nativeStart.get();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("the native backend cannot load: " + reason(e), e);
        }
    }

    /** The first message along the causes, its first line: what start-up failing says in its one line. */
    public static String reason(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null) {
                return c.getMessage().lines().findFirst().orElse("");
            }
        }
        return t.getClass().getName();
    }
}
