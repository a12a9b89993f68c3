package io.procsocket.process;

import io.procsocket.config.Config;
import io.procsocket.log.GatewayLog;
import io.procsocket.message.ServerEvent;
import io.procsocket.message.StdStreamLine;
import io.procsocket.message.StreamChunk;
import io.procsocket.message.StdoutChunk;
import io.procsocket.message.StdoutLine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Turns one read of a child's stdout or stderr into the messages a client gets, the same way for a
 * connection's own program and for a shared one: stdout lines (text mode, or {"stream":...} JSON with
 * --passstderr), stdout chunks (--binary), stderr lines (to the log, and to clients with --passstderr).
 * Reads never block; what to do about re-arming the pipe is the caller's (its pacing policy).
 */
public final class OutputFramer {
    /** What one {@link #read} found. */
    public enum Outcome { DATA, WOULD_BLOCK, EOF }

    /**
     * The largest --binary message: one read of stdout, as websocketd reads it (a 64 KiB buffer), so a 10,000-byte
     * echo through cat is one message and 100,000 bytes are two.
     */
    static final int BINARY_CHUNK = 64 * 1024;
    /** stderr lines longer than this go to the log (and --passstderr) in pieces: a log line, not a document. */
    private static final int MAX_STDERR_LINE = 1 << 20;

    private final Config config;
    private final boolean stderr;
    private final LineSplitter lines;
    private final int maxRead;
    /**
     * procsocket.v1: stdout as plain lines or chunks whatever --passstderr says, and stderr always for the client:
     * its lines ({@link StdStreamLine}) in text mode, its reads as they are ({@link StdoutChunk}) with --binary.
     */
    private final boolean typed;

    private OutputFramer(Config config, boolean stderr, int maxRead, boolean typed) {
        this.config = config;
        this.stderr = stderr;
        this.lines = new LineSplitter(stderr ? MAX_STDERR_LINE : config.maxLineSize());
        this.maxRead = maxRead;
        this.typed = typed;
    }

    /** procsocket.v1's stdout: {@link StdoutLine}s, or {@link StdoutChunk}s with --binary. */
    public static OutputFramer typedStdout(Config config) {
        return new OutputFramer(config, false, Integer.MAX_VALUE, true);
    }

    /**
     * procsocket.v1's stderr: its lines logged as ever, and for the client {@link StdStreamLine}s, or with --binary
     * {@link StdoutChunk}s of what each read returned.
     */
    public static OutputFramer typedStderr(Config config) {
        return new OutputFramer(config, true, Integer.MAX_VALUE, true);
    }

    public static OutputFramer stdout(Config config) {
        return stdout(config, Integer.MAX_VALUE);
    }

    /**
     * Reading at most {@code maxRead} bytes at a time (never more than a read of websocketd's): a shared program's
     * reads are kept within what a client that keeps up has room for.
     */
    public static OutputFramer stdout(Config config, int maxRead) {
        return new OutputFramer(config, false, maxRead, false);
    }

    /** stderr's lines are logged at ERROR as websocketd does; with --passstderr they are messages too. */
    public static OutputFramer stderr(Config config) {
        return new OutputFramer(config, true, Integer.MAX_VALUE, false);
    }

    /**
     * Reads once and hands every whole message to {@code messages} (at EOF, the last line even without its
     * newline). A failed read counts as the end of the stream.
     */
    public Outcome read(OutputWatch pipe, GatewayLog log, Consumer<Object> messages) {
        int n;
        try {
            n = pipe.read(Math.min(maxRead, chunks() ? BINARY_CHUNK : OutputWatch.MAX_READ));
        } catch (IOException e) {
            log.debug("process", "%s read failed: %s", stderr ? "stderr" : "stdout", e.getMessage());
            n = OutputWatch.EOF;
        }
        if (n == OutputWatch.WOULD_BLOCK) {
            return Outcome.WOULD_BLOCK;
        }
        Consumer<String> line = stderr ? text -> stderrLine(log, text, messages) : text -> messages.accept(stdoutLine(text));
        if (n == OutputWatch.EOF) {
            if (stderr || !config.binary()) {
                lines.finish(line);
            }
            return Outcome.EOF;
        }
        if (chunks()) {
            messages.accept(new StdoutChunk(ByteBuffer.wrap(Arrays.copyOf(pipe.bytes(), n))));
            if (stderr) {
                lines.feed(pipe.bytes(), 0, n, line);
            }
            return Outcome.DATA;
        }
        long cutBefore = lines.cutLines();
        lines.feed(pipe.bytes(), 0, n, line);
        if (!stderr && lines.cutLines() != cutBefore) {
            log.info("process", "stdout line longer than %d bytes sent in pieces (raise --maxframesize to "
                    + "send longer lines whole)", config.maxLineSize());
        }
        return Outcome.DATA;
    }

    /** Whether reads go to the client as they are: stdout with --binary, and procsocket.v1's stderr with --binary. */
    private boolean chunks() {
        return config.binary() && (!stderr || typed);
    }

    private void stderrLine(GatewayLog log, String text, Consumer<Object> messages) {
        log.error("stderr", "%s", text);
        if (typed ? !config.binary() : config.passStderr()) {
            messages.accept(new StdStreamLine(StdStreamLine.Stream.STDERR, text));
        }
    }

    private Object stdoutLine(String text) {
        return config.passStderr() && !typed ? new StdStreamLine(StdStreamLine.Stream.STDOUT, text) : new StdoutLine(text);
    }

    /** A message's size on the wire, near enough to bound queues by: UTF-8 bytes of the text, or the chunk. */
    public static int size(Object message) {
        if (message instanceof StdoutChunk c) {
            return c.bytes().remaining();
        }
        if (message instanceof StreamChunk c) {
            return 1 + c.bytes().remaining();
        }
        if (message instanceof ServerEvent e) {
            // {"type":"stdout","seq":N,"data":""} around the text; the other events are small.
            return e instanceof ServerEvent.Output o ? 32 + textBytes(o.data()) : 64;
        }
        // {"stream":"stderr","data":""} around the text.
        String text = message instanceof StdoutLine l ? l.text() : ((StdStreamLine) message).data();
        return (message instanceof StdoutLine ? 0 : 32) + textBytes(text);
    }

    /** One to three bytes a char; the exact count would cost a second pass over every line. */
    private static int textBytes(String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            if (text.charAt(i) >= 0x80) {
                return 3 * n;
            }
        }
        return n;
    }
}
