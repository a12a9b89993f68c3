package io.procsocket.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;
import org.junit.jupiter.api.Test;

/** The frame-header tracker, with no server: what it refuses, and where it thinks a message is. */
class ClientFramesTest {
    private static Buffer wrap(byte[] b) {
        return Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, b);
    }

    /** A client frame header (masked) with the given first byte and payload length, plus the mask key. */
    private static byte[] header(int first, long length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first);
        if (length < 126) {
            out.write(0x80 | (int) length);
        } else if (length < 65536) {
            out.write(0x80 | 126);
            out.write((int) (length >> 8));
            out.write((int) length);
        } else {
            out.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) (length >> (8 * i)));
            }
        }
        out.writeBytes(new byte[] {1, 2, 3, 4});
        return out.toByteArray();
    }

    @Test
    void aSingleFrameOverTheLimitIsRefusedFromItsHeaderAlone() {
        ClientFrames frames = new ClientFrames(1000);
        assertEquals(ClientFrames.Verdict.TOO_BIG, frames.accept(wrap(header(0x81, 16L << 20))));
        assertEquals(16L << 20, frames.refusedLength());
    }

    @Test
    void aFragmentedMessageOverTheLimitIsRefusedAtTheFragmentThatCrossesIt() {
        ClientFrames frames = new ClientFrames(1000);
        assertEquals(ClientFrames.Verdict.OK, frames.accept(wrap(header(0x01, 0))));
        assertEquals(ClientFrames.Verdict.OK, frames.accept(wrap(header(0x00, 0))));
        assertTrue(frames.midMessage(), "between fragments");
        byte[] body = new byte[600];
        assertEquals(ClientFrames.Verdict.OK, frames.accept(wrap(concat(header(0x00, 600), body))));
        // A ping between fragments counts for nothing.
        assertEquals(ClientFrames.Verdict.OK, frames.accept(wrap(header(0x89, 0))));
        assertEquals(ClientFrames.Verdict.TOO_BIG, frames.accept(wrap(header(0x80, 401))));
        assertEquals(1001, frames.refusedLength());
    }

    @Test
    void messagesUnderTheLimitBackToBackAreFine() {
        ClientFrames frames = new ClientFrames(1000);
        for (int i = 0; i < 5; i++) {
            assertEquals(ClientFrames.Verdict.OK, frames.accept(wrap(concat(header(0x82, 1000), new byte[1000]))));
            assertFalse(frames.midMessage());
        }
    }

    @Test
    void aHeaderSplitAcrossReadsIsFollowedByteByByte() {
        ClientFrames frames = new ClientFrames(1000);
        byte[] h = header(0x81, 70_000); // opcode, 127, then 8 length bytes: known at the tenth byte
        for (int i = 0; i < 9; i++) {
            assertEquals(ClientFrames.Verdict.OK, frames.accept(wrap(new byte[] {h[i]})));
            assertTrue(frames.midMessage());
        }
        assertEquals(ClientFrames.Verdict.TOO_BIG, frames.accept(wrap(new byte[] {h[9]})));
    }

    @Test
    void aLengthWithTheTopBitSetIsTooBigWhateverTheLimit() {
        byte[] h = header(0x82, 0);
        byte[] huge = {(byte) 0x82, (byte) (0x80 | 127), (byte) 0x80, 0, 0, 0, 0, 0, 0, 0};
        assertEquals(ClientFrames.Verdict.TOO_BIG, new ClientFrames(0).accept(wrap(huge)));
        assertEquals(ClientFrames.Verdict.OK, new ClientFrames(0).accept(wrap(h)));
    }

    @Test
    void withNoLimitLargeFramesPass() {
        assertEquals(ClientFrames.Verdict.OK, new ClientFrames(0).accept(wrap(header(0x82, 1L << 40))));
    }

    @Test
    void anUnmaskedFrameIsRefused() {
        assertEquals(ClientFrames.Verdict.UNMASKED, new ClientFrames(0).accept(wrap(new byte[] {(byte) 0x81, 0x01, 'x'})));
    }

    @Test
    void midMessageFollowsPayloadsAndFragments() {
        ClientFrames frames = new ClientFrames(0);
        byte[] h = header(0x81, 10);
        frames.accept(wrap(concat(h, new byte[4])));
        assertTrue(frames.midMessage(), "inside a payload");
        frames.accept(wrap(new byte[6]));
        assertFalse(frames.midMessage(), "the frame is complete");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
