package io.procsocket.message;

/**
 * What the server tells a {@code procsocket.v1} client, one JSON text message each (see docs/PROTOCOL.md). Output
 * in --binary mode is a {@link StreamChunk} instead of an {@link Output}; it counts in {@code seq} all the same.
 */
public sealed interface ServerEvent {
    /** Once, first: the program's pid, the connection id, and (with --resume) the token to resume with. */
    record Start(long pid, String id, String resume) implements ServerEvent { }

    /** One line of stdout or stderr (text mode, newline removed), numbered from 1 with every other output. */
    record Output(Stream stream, long seq, String data) implements ServerEvent { }

    /**
     * The program ended: by exit code, or by the signal named. Exactly one of the two.
     *
     * @param code   the exit code, or -1 when a signal ended it
     * @param signal the signal's name ("TERM"), or null
     */
    record Exit(int code, String signal) implements ServerEvent { }

    /** A resumed client missed output messages {@code from}..{@code to}, inclusive: the resume buffer dropped them. */
    record Missed(long from, long to) implements ServerEvent { }

    /** A request the server could not carry out; the connection and the program carry on (unless said otherwise). */
    record Error(String message) implements ServerEvent { }

    /** Which output a line or chunk came from; the name is the message type, the number the binary frame's first byte. */
    enum Stream {
        STDOUT("stdout", 1), STDERR("stderr", 2);

        private final String json;
        private final int id;

        Stream(String json, int id) {
            this.json = json;
            this.id = id;
        }

        public String json() {
            return json;
        }

        public int id() {
            return id;
        }
    }
}
