package io.procsocket.server;

import java.io.IOException;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.attributes.AttributeBuilder;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Enforces RFC 6455 section 5.1, which Tyrus 2.2.2 does not: a server must fail the connection with
 * 1002 when a client frame is not masked (Tyrus's parser just skips unmasking). It follows the frame
 * headers of every upgraded connection without copying anything: header bytes are read in place and
 * payloads skipped by length, so the cost per read is a few comparisons. See docs/CONFORMANCE.md.
 */
final class ClientFrameMaskFilter extends BaseFilter {
    /** A close frame with status 1002 (protocol error), unmasked as a server's must be. */
    private static final byte[] CLOSE_1002 = {(byte) 0x88, 0x02, 0x03, (byte) 0xEA};
    private static final Attribute<FrameHeaders> STATE = AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(ClientFrameMaskFilter.class.getName() + ".state");

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Object message = ctx.getMessage();
        if (!(message instanceof HttpContent)) {
            return ctx.getInvokeAction();
        }
        HttpContent content = (HttpContent) message;
        HttpHeader header = content.getHttpHeader();
        if (!header.isRequest() || !"websocket".equalsIgnoreCase(header.getUpgrade())) {
            return ctx.getInvokeAction();
        }
        Connection<?> connection = ctx.getConnection();
        FrameHeaders state = STATE.get(connection);
        if (state == null) {
            state = new FrameHeaders();
            STATE.set(connection, state);
        }
        if (state.failed || !state.accept(content.getContent())) {
            state.failed = true;
            CloseAfterWrite.write(ctx, Buffers.wrap(ctx.getMemoryManager(), CLOSE_1002.clone()));
            return ctx.getStopAction();
        }
        return ctx.getInvokeAction();
    }

    /** Where the client's byte stream is within its current frame; one per connection, one reader at a time. */
    static final class FrameHeaders {
        private static final int FIRST = 0, SECOND = 1, LENGTH = 2, MASK = 3, PAYLOAD = 4;
        private int phase = FIRST;
        private int left;
        private long length;
        boolean failed;

        /** Consumes the bytes between position and limit (without moving them); false on an unmasked frame. */
        boolean accept(Buffer buffer) {
            if (buffer == null) {
                return true;
            }
            int i = buffer.position();
            int end = buffer.limit();
            while (i < end) {
                switch (phase) {
                    case FIRST -> {
                        i++;
                        phase = SECOND;
                    }
                    case SECOND -> {
                        int b = buffer.get(i++) & 0xFF;
                        if ((b & 0x80) == 0) {
                            return false;
                        }
                        int code = b & 0x7F;
                        length = code < 126 ? code : 0;
                        left = code == 126 ? 2 : code == 127 ? 8 : 0;
                        phase = left > 0 ? LENGTH : MASK;
                        if (phase == MASK) {
                            left = 4;
                        }
                    }
                    case LENGTH -> {
                        length = (length << 8) | (buffer.get(i++) & 0xFF);
                        if (--left == 0) {
                            left = 4;
                            phase = MASK;
                        }
                    }
                    case MASK -> {
                        i++;
                        if (--left == 0) {
                            phase = length > 0 ? PAYLOAD : FIRST;
                        }
                    }
                    default -> {
                        long skip = Math.min(length, end - i);
                        i += (int) skip;
                        length -= skip;
                        if (length == 0) {
                            phase = FIRST;
                        }
                    }
                }
            }
            return true;
        }
    }
}
