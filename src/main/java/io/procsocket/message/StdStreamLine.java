package io.procsocket.message;

/**
 * --passstderr: one line of the child's stdout or stderr, sent as a JSON text message
 * {@code {"stream":"stdout"|"stderr","data":"..."}} so the client can tell them apart.
 */
public record StdStreamLine(Stream stream, String data) {
    /** Which of the child's outputs the line came from; the name is the JSON value. */
    public enum Stream {
        STDOUT("stdout"), STDERR("stderr");

        private final String json;

        Stream(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }
}
