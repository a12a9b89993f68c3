package io.procsocket.server;

import org.glassfish.grizzly.Buffer;

/**
 * Follows the frame headers of a client's byte stream without copying anything: header bytes are read in
 * place and payloads skipped by length, a few comparisons per read. It knows where every frame and every
 * (possibly fragmented) message starts and ends, and so can refuse a frame by its header alone: an unmasked
 * one (RFC 6455 5.1, which Tyrus 2.2.2 does not check) or one that makes its message larger than the limit,
 * before a byte of its payload is buffered anywhere. One per connection, one reader at a time.
 */
final class ClientFrames {
    /** What is wrong with the stream, if anything. */
    enum Verdict { OK, UNMASKED, TOO_BIG }

    private static final int FIRST = 0, SECOND = 1, LENGTH = 2, MASK = 3, PAYLOAD = 4;
    private static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2;

    /** Largest message in bytes; 0 = no limit. */
    private final long maxMessage;
    private int phase = FIRST;
    private int left;
    private int opcode;
    private boolean fin;
    private long length;
    /** Payload bytes of the current data message so far, counted as each frame's header is read. */
    private long messageBytes;
    /** A data frame without FIN was seen and its final continuation has not been. */
    private boolean fragmented;
    /** The length that made the stream {@link Verdict#TOO_BIG}, for the log. */
    private long refusedLength;
    /** The payload length the current frame's header declared; -1 until its length is read. */
    private long declared = -1;
    /** Index just past the last frame that ended in the buffer last accepted; -1 if none did. */
    private int lastFrameEnd = -1;
    /** The message's state as the current frame began: what {@link #rewindToFrameStart} goes back to. */
    private long messageBytesAtFrame;
    private boolean fragmentedAtFrame;

    ClientFrames(long maxMessage) {
        this.maxMessage = maxMessage;
    }

    /**
     * Whether a message has begun and not ended: inside a frame (header or payload) or between the fragments
     * of a message. Control frames between fragments do not end it.
     */
    boolean midMessage() {
        return phase != FIRST || fragmented;
    }

    long refusedLength() {
        return refusedLength;
    }

    /** The last accepted buffer ended inside a frame (its header or its payload). */
    boolean inFrame() {
        return phase != FIRST;
    }

    /** The payload length the current frame declared, or -1 while its header is incomplete. */
    long declaredLength() {
        return phase == FIRST ? -1 : declared;
    }

    /** Index in the last accepted buffer just past the last frame that ended in it; -1 if none did. */
    int lastFrameEnd() {
        return lastFrameEnd;
    }

    /** Back to the state before the first byte, for a caller that will present the whole stream again. */
    void reset() {
        rewindToFrameStart();
        messageBytes = 0;
        fragmented = false;
        messageBytesAtFrame = 0;
        fragmentedAtFrame = false;
        lastFrameEnd = -1;
    }

    /**
     * Forgets the frame under way, for a caller that keeps its bytes and will present them again, followed by
     * more: parsing starts over at that frame's first byte, with the message as it stood before it.
     */
    void rewindToFrameStart() {
        phase = FIRST;
        declared = -1;
        messageBytes = messageBytesAtFrame;
        fragmented = fragmentedAtFrame;
    }

    /** Consumes the bytes between position and limit (without moving them). */
    Verdict accept(Buffer buffer) {
        if (buffer == null) {
            return Verdict.OK;
        }
        int i = buffer.position();
        int end = buffer.limit();
        lastFrameEnd = -1;
        while (i < end) {
            switch (phase) {
                case FIRST -> {
                    int b = buffer.get(i++) & 0xFF;
                    fin = (b & 0x80) != 0;
                    opcode = b & 0x0F;
                    phase = SECOND;
                }
                case SECOND -> {
                    int b = buffer.get(i++) & 0xFF;
                    if ((b & 0x80) == 0) {
                        return Verdict.UNMASKED;
                    }
                    int code = b & 0x7F;
                    length = code < 126 ? code : 0;
                    left = code == 126 ? 2 : code == 127 ? 8 : 0;
                    phase = LENGTH;
                    if (left == 0 && !lengthKnown()) {
                        return Verdict.TOO_BIG;
                    }
                }
                case LENGTH -> {
                    length = (length << 8) | (buffer.get(i++) & 0xFF);
                    if (--left == 0 && !lengthKnown()) {
                        return Verdict.TOO_BIG;
                    }
                }
                case MASK -> {
                    i++;
                    if (--left == 0) {
                        if (length > 0) {
                            phase = PAYLOAD;
                        } else {
                            frameEnded(i);
                        }
                    }
                }
                default -> {
                    long skip = Math.min(length, end - i);
                    i += (int) skip;
                    length -= skip;
                    if (length == 0) {
                        frameEnded(i);
                    }
                }
            }
        }
        return Verdict.OK;
    }

    private void frameEnded(int at) {
        phase = FIRST;
        declared = -1;
        lastFrameEnd = at;
        messageBytesAtFrame = messageBytes;
        fragmentedAtFrame = fragmented;
    }

    /**
     * The frame's length is complete: count it against its message and go on to the mask. False if the
     * message is now over the limit (a 64-bit length with the top bit set is, whatever the limit).
     */
    private boolean lengthKnown() {
        if (length < 0) {
            refusedLength = Long.MAX_VALUE;
            return false;
        }
        if (opcode == TEXT || opcode == BINARY) {
            messageBytes = length;
            fragmented = !fin;
        } else if (opcode == CONTINUATION) {
            messageBytes += length;
            fragmented = !fin;
        }
        if (maxMessage > 0 && opcode < 0x8 && messageBytes > maxMessage) {
            refusedLength = messageBytes;
            return false;
        }
        declared = length;
        left = 4;
        phase = MASK;
        return true;
    }
}
