package io.procsocket.message;

import java.nio.charset.StandardCharsets;

/** A client text message bound for the child's stdin; it becomes the text plus one newline. */
public record StdinLine(String text) {
    public byte[] toBytes() {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] line = new byte[body.length + 1];
        System.arraycopy(body, 0, line, 0, body.length);
        line[body.length] = '\n';
        return line;
    }
}
