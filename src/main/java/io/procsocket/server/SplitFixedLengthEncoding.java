package io.procsocket.server;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.FixedLengthTransferEncoding;
import org.glassfish.grizzly.http.HttpCodecFilter;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacketParsing;
import org.glassfish.grizzly.http.ParsingResult;
import org.glassfish.grizzly.http.TransferEncoding;

/**
 * Grizzly's Content-Length framing, with the body cut from what follows it by {@code split} instead of
 * {@code slice}. Grizzly 4.0.2's FixedLengthTransferEncoding hands the body over as a buffer whose
 * capacity still covers the pipelined requests after it (only its limit is moved) and the rest as a
 * slice of the same memory; once the body was read, the request disposed it, Grizzly's thread-local
 * heap pool took the whole capacity back and gave it to the next response, and the next request was
 * parsed from that response's bytes. With split each part owns its bytes, as the chunked decoder's do.
 */
final class SplitFixedLengthEncoding implements TransferEncoding {
    private final FixedLengthTransferEncoding grizzly = new FixedLengthTransferEncoding();

    @Override
    public boolean wantDecode(HttpHeader httpPacket) {
        return grizzly.wantDecode(httpPacket);
    }

    @Override
    public boolean wantEncode(HttpHeader httpPacket) {
        return grizzly.wantEncode(httpPacket);
    }

    @Override
    public void prepareSerialize(FilterChainContext ctx, HttpHeader httpHeader, HttpContent content) {
        grizzly.prepareSerialize(ctx, httpHeader, content);
    }

    @Override
    public Buffer serializePacket(FilterChainContext ctx, HttpContent httpContent) {
        return grizzly.serializePacket(ctx, httpContent);
    }

    @Override
    public ParsingResult parsePacket(FilterChainContext ctx, HttpHeader httpPacket, Buffer input) {
        HttpCodecFilter.ContentParsingState state = ((HttpPacketParsing) httpPacket).getContentParsingState();
        if (state.chunkRemainder == -1) {
            state.chunkRemainder = httpPacket.getContentLength();
        }
        Buffer remainder = null;
        if (input.remaining() > state.chunkRemainder) {
            remainder = input.split((int) (input.position() + state.chunkRemainder));
        }
        state.chunkRemainder -= input.remaining();
        return ParsingResult.create(
                httpPacket.httpContentBuilder().content(input).last(state.chunkRemainder == 0).build(), remainder);
    }
}
