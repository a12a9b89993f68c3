package io.procsocket.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Turns stdout bytes into text messages: one per line, "\n" or "\r\n" removed. Invalid UTF-8 becomes
 * U+FFFD so a text frame never carries bytes a browser would fail the connection over (1007).
 * A line longer than {@code maxLineBytes} goes out in pieces cut on character boundaries rather than
 * growing a buffer without limit.
 */
public final class LineSplitter {
    private final int maxLineBytes;
    private byte[] pending;
    private int length;
    /** Whether the line in the making has been cut already, and how many lines were. */
    private boolean cutting;
    private long cutLines;

    public LineSplitter(int maxLineBytes) {
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("maxLineBytes must hold one character");
        }
        this.maxLineBytes = maxLineBytes;
        // Starts small: most lines are short and the buffer lives as long as the connection; it doubles on need.
        this.pending = new byte[Math.min(maxLineBytes, 256)];
    }

    /**
     * Reads {@code in} to its end, {@code bufferSize} bytes at a time, and calls {@code lines} for every
     * line of it, the last one included even without its newline. Blocks; run it on a thread that may wait (CGI).
     */
    public static void readLines(InputStream in, int bufferSize, int maxLineBytes, Consumer<String> lines)
            throws IOException {
        LineSplitter splitter = new LineSplitter(maxLineBytes);
        byte[] buf = new byte[bufferSize];
        int n;
        while ((n = in.read(buf)) >= 0) {
            splitter.feed(buf, 0, n, lines);
        }
        splitter.finish(lines);
    }

    /** How many lines were longer than the limit and went out in pieces. */
    public long cutLines() {
        return cutLines;
    }

    private void cutOne() {
        if (!cutting) {
            cutting = true;
            cutLines++;
        }
    }

    /** Feeds bytes just read; calls {@code lines} once for every complete (or over-long) line. */
    public void feed(byte[] buf, int off, int len, Consumer<String> lines) {
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (buf[i] == '\n') {
                int lineEnd = i;
                if (length == 0) {
                    if (lineEnd > start && buf[lineEnd - 1] == '\r') {
                        lineEnd--;
                    }
                    emitChunks(buf, start, lineEnd, lines);
                } else {
                    append(buf, start, i, lines);
                    int n = length;
                    if (n > 0 && pending[n - 1] == '\r') {
                        n--;
                    }
                    lines.accept(new String(pending, 0, n, StandardCharsets.UTF_8));
                    length = 0;
                }
                start = i + 1;
                cutting = false;
            }
        }
        if (start < end) {
            append(buf, start, end, lines);
        }
    }

    /** End of stream: a last line without its newline is still a line. */
    public void finish(Consumer<String> lines) {
        if (length > maxLineBytes) {
            cut(lines);
        }
        if (length > 0) {
            lines.accept(new String(pending, 0, length, StandardCharsets.UTF_8));
            length = 0;
        }
        cutting = false;
    }

    private void emitChunks(byte[] buf, int from, int to, Consumer<String> lines) {
        while (to - from > maxLineBytes) {
            cutOne();
            int cut = characterBoundary(buf, from, from + maxLineBytes);
            lines.accept(new String(buf, from, cut - from, StandardCharsets.UTF_8));
            from = cut;
        }
        lines.accept(new String(buf, from, to - from, StandardCharsets.UTF_8));
    }

    private void append(byte[] buf, int from, int to, Consumer<String> lines) {
        while (from < to) {
            // A '\r' that ends what we have may be the first half of a "\r\n" split across reads: hold it
            // one byte past the limit, or a line of exactly the limit would gain an empty extra message.
            boolean lineEndingMayFollow = to - from == 1 && buf[from] == '\r';
            while (length >= maxLineBytes && !(length == maxLineBytes && lineEndingMayFollow)) {
                cut(lines);
            }
            int n = Math.min(to - from, (lineEndingMayFollow ? maxLineBytes + 1 : maxLineBytes) - length);
            if (length + n > pending.length) {
                pending = Arrays.copyOf(pending, Math.min(maxLineBytes + 1, Math.max(length + n, pending.length * 2)));
            }
            System.arraycopy(buf, from, pending, length, n);
            length += n;
            from += n;
        }
    }

    /** Sends the first piece (at most {@code maxLineBytes}, whole characters) of an over-long line. */
    private void cut(Consumer<String> lines) {
        cutOne();
        int cut = characterBoundary(pending, 0, maxLineBytes);
        lines.accept(new String(pending, 0, cut, StandardCharsets.UTF_8));
        System.arraycopy(pending, cut, pending, 0, length - cut);
        length -= cut;
    }

    /** {@code limit}, or earlier if the bytes before it end in the middle of a UTF-8 sequence. */
    private static int characterBoundary(byte[] buf, int from, int limit) {
        int lead = limit - 1;
        int back = 0;
        while (lead > from && back < 3 && (buf[lead] & 0xC0) == 0x80) {
            lead--;
            back++;
        }
        int b = buf[lead] & 0xFF;
        int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        return lead + need > limit && lead > from ? lead : limit;
    }
}
