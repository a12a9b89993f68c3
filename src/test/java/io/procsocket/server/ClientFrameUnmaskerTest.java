package io.procsocket.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procsocket.testing.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Client frames unmasked in place, with no server: every length encoding, back to back, at any offset. */
class ClientFrameUnmaskerTest {
    private static final int[] LENGTHS = {0, 1, 3, 7, 8, 9, 125, 126, 127, 1000, 65535, 65536, 200_001};

    @Test
    void backToBackFramesOfEveryLengthEncodingComeOutAsTheSameFramesUnmasked() {
        Random random = new Random(6455);
        ByteArrayOutputStream masked = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int length : LENGTHS) {
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            int opcode = length % 2 == 0 ? 0x82 : 0x01;
            masked.writeBytes(frame(opcode, payload, true));
            expected.writeBytes(frame(opcode, payload, false));
        }
        byte[] prefix = {9, 9, 9};
        byte[] a = concat(prefix, masked.toByteArray());
        int end = ClientFrameUnmasker.unmask(a, prefix.length, a.length);
        assertEquals(prefix.length + expected.size(), end, "4 bytes fewer per frame");
        assertArrayEquals(expected.toByteArray(), Arrays.copyOfRange(a, prefix.length, end));
        assertArrayEquals(prefix, Arrays.copyOf(a, prefix.length), "nothing before the frames is touched");
    }

    @Test
    void aControlFrameBetweenFragmentsKeepsItsOpcodeAndPayload() {
        byte[] a = concat(frame(0x01, "he".getBytes(), true), frame(0x89, "ping".getBytes(), true),
                frame(0x80, "llo".getBytes(), true));
        int end = ClientFrameUnmasker.unmask(a, 0, a.length);
        assertArrayEquals(concat(frame(0x01, "he".getBytes(), false), frame(0x89, "ping".getBytes(), false),
                frame(0x80, "llo".getBytes(), false)), Arrays.copyOf(a, end));
    }

    /** As a client (masked, with a random key) or a server (unmasked) writes it. */
    private static byte[] frame(int first, byte[] payload, boolean masked) {
        return RawWebSocket.frame((first & 0x80) != 0, 0, first & 0x0F, payload, masked);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
