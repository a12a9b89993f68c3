package io.procsocket.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.message.StdinChunk;
import io.procsocket.message.StdinLine;
import io.procsocket.message.StdoutChunk;
import io.procsocket.message.StdoutLine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The four codecs with no server: what goes in is what the pipe or the frame gets. */
class CodecsTest {
    @Test
    void textFrameBecomesOneStdinLineWithNewlinesInsideKept() {
        StdinLineDecoder d = new StdinLineDecoder();
        assertTrue(d.willDecode(""));
        assertFalse(d.willDecode(null));
        StdinLine line = d.decode("a\nb ü");
        assertEquals("a\nb ü", line.text());
        assertArrayEquals("a\nb ü\n".getBytes(StandardCharsets.UTF_8), line.toBytes());
        assertArrayEquals(new byte[] {'\n'}, d.decode("").toBytes());
    }

    @Test
    void binaryFrameIsPassedOnWithoutCopyOrChange() {
        StdinChunkDecoder d = new StdinChunkDecoder();
        ByteBuffer b = ByteBuffer.wrap(new byte[] {0, (byte) 0xFF, '\n', 7}, 1, 2);
        assertTrue(d.willDecode(b));
        StdinChunk c = d.decode(b);
        assertSame(b, c.bytes());
        assertEquals(1, c.bytes().position());
        assertEquals(2, c.bytes().remaining());
    }

    @Test
    void stdoutLineIsItsTextFrame() {
        assertEquals("héllo", new StdoutLineEncoder().encode(new StdoutLine("héllo")));
        assertEquals("", new StdoutLineEncoder().encode(new StdoutLine("")));
    }

    @Test
    void stdoutChunkKeepsEveryByteValueAndItsWindow() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        ByteBuffer window = ByteBuffer.wrap(all, 10, 200);
        ByteBuffer out = new StdoutChunkEncoder().encode(new StdoutChunk(window));
        assertEquals(200, out.remaining());
        for (int i = 0; i < 200; i++) {
            assertEquals((byte) (i + 10), out.get(out.position() + i));
        }
    }
}
