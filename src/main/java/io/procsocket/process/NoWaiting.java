package io.procsocket.process;

/**
 * Marks the current thread as one that must never wait: the standalone server's selector thread while
 * it hands a client's frames straight to the handlers (see server.AdaptiveIOStrategy). A selector thread
 * serves many connections, so a handler that waited on it (for a child's stdin, for a slow client) would
 * freeze all of them. Handlers check this and queue instead of waiting; containers never set it.
 */
public final class NoWaiting {
    private static final ThreadLocal<Boolean> HERE = new ThreadLocal<>();

    private NoWaiting() { }

    public static boolean here() {
        return HERE.get() != null;
    }

    public static void enter() {
        HERE.set(Boolean.TRUE);
    }

    public static void exit() {
        HERE.remove();
    }
}
