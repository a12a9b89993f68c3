package io.procsocket.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** stdout bytes to text messages, fed in the read sizes a pipe may deliver. */
class LineSplitterTest {
    private final List<String> out = new ArrayList<>();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> feed(LineSplitter splitter, byte[]... reads) {
        for (byte[] r : reads) {
            splitter.feed(r, 0, r.length, out::add);
        }
        return out;
    }

    @Test
    void newlineEndsALine() {
        assertEquals(List.of("a", "bc"), feed(new LineSplitter(64), utf8("a\nbc\n")));
    }

    @Test
    void crlfIsRemovedWholly() {
        assertEquals(List.of("a", "b"), feed(new LineSplitter(64), utf8("a\r\nb\r\n")));
    }

    @Test
    void crlfSplitAcrossReadsIsStillOneLineEnding() {
        assertEquals(List.of("a", "b"), feed(new LineSplitter(64), utf8("a\r"), utf8("\nb\r"), utf8("\n")));
    }

    @Test
    void loneCarriageReturnInsideALineIsKept() {
        assertEquals(List.of("a\rb"), feed(new LineSplitter(64), utf8("a\rb\n")));
    }

    @Test
    void emptyLinesAreEmptyMessages() {
        assertEquals(List.of("", "", "x", ""), feed(new LineSplitter(64), utf8("\n\r\nx\n"), utf8("\n")));
    }

    @Test
    void lineSplitAcrossManyReadsIsJoined() {
        LineSplitter s = new LineSplitter(64);
        for (byte b : utf8("héllo wörld\n")) {
            s.feed(new byte[] {b}, 0, 1, out::add);
        }
        assertEquals(List.of("héllo wörld"), out);
    }

    @Test
    void partialLastLineIsDeliveredAtEndOfStream() {
        LineSplitter s = new LineSplitter(64);
        feed(s, utf8("one\npart"), utf8("ial"));
        assertEquals(List.of("one"), out);
        s.finish(out::add);
        assertEquals(List.of("one", "partial"), out);
        s.finish(out::add);
        assertEquals(List.of("one", "partial"), out, "finish twice must not repeat the last line");
    }

    @Test
    void invalidUtf8IsReplacedNeverPassedOn() {
        byte[] bad = {'a', (byte) 0xFF, 'b', (byte) 0xC3, '\n', (byte) 0xE2, (byte) 0x82, '\n'};
        assertEquals(List.of("a\uFFFDb\uFFFD", "\uFFFD"), feed(new LineSplitter(64), bad));
    }

    @Test
    void offsetAndLengthAreHonoured() {
        byte[] buf = utf8("xxA\nB\nyy");
        new LineSplitter(64).feed(buf, 2, 4, out::add);
        assertEquals(List.of("A", "B"), out);
    }

    @Test
    void overLongLineIsCutIntoPiecesOfAtMostTheLimit() {
        String line = "0123456789".repeat(3);
        assertEquals(List.of("01234567", "89012345", "67890123", "456789"), feed(new LineSplitter(8), utf8(line + "\n")));
        out.clear();
        LineSplitter s = new LineSplitter(8);
        for (byte b : utf8(line + "\n")) {
            s.feed(new byte[] {b}, 0, 1, out::add);
        }
        assertEquals(List.of("01234567", "89012345", "67890123", "456789"), out);
    }

    @Test
    void overLongLineIsCutOnCharacterBoundariesNeverInsideOne() {
        // "€" is 3 bytes: a 8-byte limit holds two of them (6 bytes), never 2 2/3.
        String line = "€".repeat(7);
        for (int readSize : new int[] {1, 2, 5, 100}) {
            out.clear();
            LineSplitter s = new LineSplitter(8);
            byte[] all = utf8(line + "\n");
            for (int i = 0; i < all.length; i += readSize) {
                s.feed(all, i, Math.min(readSize, all.length - i), out::add);
            }
            assertEquals(line, String.join("", out), "read size " + readSize);
            for (String piece : out) {
                assertTrue(utf8(piece).length <= 8, piece);
                assertTrue(!piece.contains("\uFFFD"), "cut inside a character: " + out);
            }
        }
    }

    @Test
    void overLongLineOfExactlyTheLimitEndingInCrlfIsOneMessageWhateverTheReads() {
        // The same bytes must give the same messages however the pipe splits them.
        for (int split = 1; split <= 10; split++) {
            out.clear();
            byte[] all = utf8("12345678\r\n");
            LineSplitter s = new LineSplitter(8);
            s.feed(all, 0, split, out::add);
            s.feed(all, split, all.length - split, out::add);
            s.finish(out::add);
            assertEquals(List.of("12345678"), out, "split after " + split + " bytes");
        }
    }

    @Test
    void anyTwoReadSplitGivesTheSameMessagesAsOneRead() {
        for (String text : new String[] {"12345678\r\n", "12345678\rX\n", "1234567\r\r\n", "123456789\r\nab",
                "12345678\r", "€€€\r\n€€€€\r\n"}) {
            byte[] all = utf8(text);
            List<String> whole = new ArrayList<>();
            LineSplitter one = new LineSplitter(8);
            one.feed(all, 0, all.length, whole::add);
            one.finish(whole::add);
            for (String piece : whole) {
                assertTrue(utf8(piece).length <= 8, piece);
            }
            for (int split = 0; split <= all.length; split++) {
                List<String> got = new ArrayList<>();
                LineSplitter s = new LineSplitter(8);
                s.feed(all, 0, split, got::add);
                s.feed(all, split, all.length - split, got::add);
                s.finish(got::add);
                assertEquals(whole, got, text.replace("\r", "\\r").replace("\n", "\\n") + " split at " + split);
            }
        }
    }
}
