package io.procsocket.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procsocket.message.StdStreamLine;
import io.procsocket.message.StdoutChunk;
import io.procsocket.message.StdoutLine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Frames made once for every client, checked against RFC 6455's own examples and length boundaries. */
class WireFramesTest {
    @Test
    void rfcExampleUnmaskedHello() throws Exception {
        // RFC 6455 5.7: "A single-frame unmasked text message".
        assertArrayEquals(new byte[] {(byte) 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f},
                WireFrames.of(new StdoutLine("Hello")));
    }

    @Test
    void lengthsUseTheShortestForm() throws Exception {
        byte[] f125 = WireFrames.of(new StdoutLine("a".repeat(125)));
        assertEquals(125, f125[1]);
        assertEquals(127, f125.length);
        byte[] f126 = WireFrames.of(new StdoutLine("a".repeat(126)));
        assertEquals(126, f126[1]);
        assertEquals(0, f126[2]);
        assertEquals(126, f126[3] & 0xff);
        // RFC 6455 5.7: 256 bytes binary, 16-bit length 0x0100.
        byte[] b256 = WireFrames.of(new StdoutChunk(ByteBuffer.allocate(256)));
        assertArrayEquals(new byte[] {(byte) 0x82, 0x7E, 0x01, 0x00}, java.util.Arrays.copyOf(b256, 4));
        // 64 KiB binary: the 64-bit form, 0x0000000000010000.
        byte[] b64k = WireFrames.of(new StdoutChunk(ByteBuffer.allocate(65536)));
        assertArrayEquals(new byte[] {(byte) 0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}, java.util.Arrays.copyOf(b64k, 10));
        assertEquals(65546, b64k.length);
    }

    @Test
    void payloadsComeFromTheSessionsEncoders() throws Exception {
        byte[] json = WireFrames.of(new StdStreamLine(StdStreamLine.Stream.STDERR, "oops \"x\""));
        String text = new String(json, 2, json.length - 2, StandardCharsets.UTF_8);
        assertEquals(new StdStreamLineEncoder().encode(new StdStreamLine(StdStreamLine.Stream.STDERR, "oops \"x\"")), text);
        byte[] utf8 = WireFrames.of(new StdoutLine("é"));
        assertArrayEquals(new byte[] {(byte) 0x81, 2, (byte) 0xC3, (byte) 0xA9}, utf8);
    }

    @Test
    void aChunkCanBeFramedAgainAfterwards() throws Exception {
        StdoutChunk chunk = new StdoutChunk(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertArrayEquals(WireFrames.of(chunk), WireFrames.of(chunk), "framing does not consume the chunk");
        assertEquals(3, chunk.bytes().remaining());
    }
}
