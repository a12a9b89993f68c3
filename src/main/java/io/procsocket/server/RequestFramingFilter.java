package io.procsocket.server;

import io.procsocket.config.Config;
import io.procsocket.log.GatewayLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.attributes.AttributeBuilder;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.ContentEncoding;
import org.glassfish.grizzly.http.FixedLengthTransferEncoding;
import org.glassfish.grizzly.http.HttpCodecFilter;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacketParsing;
import org.glassfish.grizzly.http.HttpProbe;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.TransferEncoding;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.DataChunk;
import org.glassfish.grizzly.http.util.MimeHeaders;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Grizzly's HTTP codec, refusing a request whose head is unacceptable before a byte of its body is
 * decoded and before any handler, Tyrus included, sees it: a body length two parties could read
 * differently (RFC 9112 §6.1, the request-smuggling vectors), a head over the size limits (431,
 * where Grizzly answered a bare 400), and Grizzly's own header errors. Every refusal has a status,
 * a Content-Length, {@code Connection: close} and one access log line, and ends the connection.
 * Nothing after a connection's last request (a refused one, or one without keep-alive) is served.
 *
 * <p>It also frames Content-Length bodies so that pipelined requests keep their bytes
 * ({@link SplitFixedLengthEncoding}).
 *
 * <p>It has to be the codec itself, not a filter after it: by the time a later filter sees the
 * request, the codec has already decoded the first chunk of its body, and a refused request's
 * remainder (a smuggled request after it) would still be parsed and served before the close. The
 * codec's header-error path is the one place that stops both.
 */
final class RequestFramingFilter extends HttpServerFilter {
    private static final Attribute<Answer> REFUSAL = AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(RequestFramingFilter.class.getName() + ".refusal");
    /** Set on a connection whose last request has been read: a refused one, or one without keep-alive. */
    private static final Attribute<Boolean> ENDING = AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(RequestFramingFilter.class.getName() + ".ending");
    /** A refused head may be up to a mebibyte; its log line need not be. */
    private static final int MAX_LOGGED_URL = 4096;

    private static final Answer BOTH_LENGTHS = new Answer(400, "Bad Request", "Content-Length and Transfer-Encoding together");
    private static final Answer TE_BEFORE_HTTP_1_1 = new Answer(400, "Bad Request", "Transfer-Encoding in an HTTP/1.0 request");
    private static final Answer NOT_CHUNKED = new Answer(501, "Not Implemented", "Transfer-Encoding other than chunked");
    private static final Answer HEAD_TOO_LARGE = new Answer(431, "Request Header Fields Too Large", null);
    private static final Answer LINE_TOO_LONG = new Answer(414, "URI Too Long", null);
    private static final Answer MALFORMED = new Answer(400, "Bad Request", null);
    private static final Answer BAD_VERSION = new Answer(505, "HTTP Version Not Supported", null);

    /** A refusal: status, reason phrase, and what was wrong (or null), for the body and the log line. */
    private record Answer(int status, String reason, String detail) {
        String body() {
            return status + " " + reason + (detail == null ? "" : ": " + detail) + "\n";
        }

        String logMessage() {
            return reason.toUpperCase(Locale.ROOT) + (detail == null ? "" : ": " + detail);
        }
    }

    private final Config config;

    private RequestFramingFilter(NetworkListener listener, Config config) {
        super(listener.isChunkingEnabled(), listener.getMaxHttpHeaderSize() == -1
                        ? DEFAULT_MAX_HTTP_PACKET_HEADER_SIZE : listener.getMaxHttpHeaderSize(),
                null, listener.getKeepAlive(), null, listener.getMaxRequestHeaders(), listener.getMaxResponseHeaders());
        this.config = config;
    }

    /**
     * Gives {@code listener} websocketd's limits on a request head and this filter in place of the codec
     * Grizzly's HttpServer puts in its chain. Grizzly's defaults (8 KiB, 100 lines) refused real cookies
     * with a bare 400.
     */
    static void install(NetworkListener listener, Config config) {
        listener.setMaxHttpHeaderSize(Config.MAX_REQUEST_HEAD_BYTES);
        listener.setMaxRequestHeaders(Config.MAX_REQUEST_HEADERS);
        listener.registerAddOn(addOn(config));
    }

    private static AddOn addOn(Config config) {
        return (NetworkListener listener, FilterChainBuilder builder) -> {
            int codec = builder.indexOfType(HttpServerFilter.class);
            if (codec < 0) {
                throw new IllegalStateException("no HTTP codec in the Grizzly filter chain");
            }
            builder.set(codec, replacing((HttpServerFilter) builder.get(codec), listener, config));
        };
    }

    /** Carries over what Grizzly 4.0.2's HttpServer.configureListener set on the codec beyond its constructor. */
    private static RequestFramingFilter replacing(HttpServerFilter codec, NetworkListener listener, Config config) {
        RequestFramingFilter filter = new RequestFramingFilter(listener, config);
        // Same encodings in the same order (it decides which one encodes a response), with our own
        // Content-Length decoding in place of Grizzly's (see SplitFixedLengthEncoding).
        TransferEncoding[] encodings = filter.getTransferEncodings();
        for (TransferEncoding encoding : encodings) {
            filter.removeTransferEncoding(encoding);
        }
        for (TransferEncoding encoding : encodings) {
            filter.addTransferEncoding(encoding instanceof FixedLengthTransferEncoding
                    ? new SplitFixedLengthEncoding() : encoding);
        }
        for (ContentEncoding encoding : codec.getContentEncodings()) {
            filter.addContentEncoding(encoding);
        }
        filter.setAllowPayloadForUndefinedHttpMethods(codec.isAllowPayloadForUndefinedHttpMethods());
        filter.setMaxPayloadRemainderToSkip(codec.getMaxPayloadRemainderToSkip());
        filter.setPreserveHeaderCase(codec.isPreserveHeaderCase());
        filter.setRemoveHandledContentEncodingHeaders(codec.isRemoveHandledContentEncodingHeaders());
        filter.setDefaultResponseContentType(codec.getDefaultResponseContentType());
        for (HttpProbe probe : codec.getMonitoringConfig().getProbes()) {
            filter.getMonitoringConfig().addProbes(probe);
        }
        return filter;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        // Bytes after a refused head, or after the last request of a connection that is ending, are
        // read by nobody. Grizzly would parse and serve them (a smuggled request, or one after
        // "Connection: close", which RFC 9112 §9.6 says MUST NOT be processed) while the close is pending.
        if (ENDING.isSet(connection) || !connection.isOpen()) {
            Object message = ctx.getMessage();
            if (message instanceof Buffer buffer) {
                buffer.tryDispose();
            }
            return ctx.getStopAction();
        }
        NextAction action = super.handleRead(ctx);
        // A refused head has set ENDING already, and its context has been recycled: leave it alone.
        if (!ENDING.isSet(connection) && ctx.getMessage() instanceof HttpContent content && content.isLast()
                && content.getHttpHeader() instanceof HttpRequestPacket request && !request.isUpgrade()
                && !request.getProcessingState().isKeepAlive()) {
            ENDING.set(connection, Boolean.TRUE);
        }
        return action;
    }

    /**
     * Grizzly treats a request with any Upgrade header as upgraded: everything after its head becomes
     * its body, unframed, so a CGI script got the client's next bytes on stdin (and waited for more).
     * Only a WebSocket upgrade is one; any other Upgrade is ignored, as RFC 9110 §7.8 allows and as
     * Go's net/http does, and the request is framed like any other.
     */
    @Override
    protected void onIncomingUpgrade(FilterChainContext ctx, HttpHeader header) {
        if (header.getUpgradeDC().equalsIgnoreCase("websocket")) {
            super.onIncomingUpgrade(ctx, header);
        } else {
            header.getUpgradeDC().recycle();
        }
    }

    @Override
    protected boolean onHttpHeaderParsed(HttpHeader header, Buffer buffer, FilterChainContext ctx) {
        if (super.onHttpHeaderParsed(header, buffer, ctx)) {
            return true;
        }
        Answer refusal = framing((HttpRequestPacket) header);
        if (refusal == null) {
            return false;
        }
        // True sends the codec down its header-error path: onHttpHeaderError, then no further input.
        REFUSAL.set(header, refusal);
        return true;
    }

    /**
     * RFC 9112 §6.1 and §6.3: with Transfer-Encoding, the only framing we read is "chunked" alone;
     * next to a Content-Length, or in HTTP/1.0, it means a body whose end two parties could disagree on.
     */
    private static Answer framing(HttpRequestPacket request) {
        MimeHeaders headers = request.getHeaders();
        List<String> codings = new ArrayList<>();
        boolean transferEncoding = false;
        // The codec drops a Content-Length from the headers when a "chunked" follows it, but counts it first.
        boolean contentLength = request instanceof HttpPacketParsing parsing
                && parsing.getHeaderParsingState().contentLengthHeadersCount > 0;
        for (int i = 0; i < headers.size(); i++) {
            DataChunk name = headers.getName(i);
            if (name.equalsIgnoreCase("transfer-encoding")) {
                transferEncoding = true;
                DataChunk value = headers.getValue(i);
                for (String coding : (value == null ? "" : value.toString()).split(",", -1)) {
                    codings.add(coding.trim());
                }
            } else if (name.equalsIgnoreCase("content-length")) {
                contentLength = true;
            }
        }
        if (!transferEncoding) {
            return null;
        }
        if (contentLength) {
            return BOTH_LENGTHS;
        }
        if (request.getProtocol() == Protocol.HTTP_1_0 || request.getProtocol() == Protocol.HTTP_0_9) {
            return TE_BEFORE_HTTP_1_1;
        }
        return codings.size() == 1 && codings.get(0).equalsIgnoreCase("chunked") ? null : NOT_CHUNKED;
    }

    @Override
    protected void onHttpHeaderError(HttpHeader header, FilterChainContext ctx, Throwable t) {
        HttpRequestPacket request = (HttpRequestPacket) header;
        Answer refusal = REFUSAL.get(request);
        if (refusal == null) {
            refusal = grizzlyRefusal(request, ctx, t);
        }
        ENDING.set(ctx.getConnection(), Boolean.TRUE);
        GatewayLog.root().with("url", logUrl(request)).with("remote", GrizzlyRequests.remoteAddr(request))
                .access("http", "%s", refusal.logMessage());
        byte[] body = refusal.body().getBytes(StandardCharsets.UTF_8);
        HttpResponsePacket response = request.getResponse();
        response.setProtocol(Protocol.HTTP_1_1);
        response.setStatus(refusal.status());
        response.setReasonPhrase(refusal.reason());
        response.setContentType("text/plain; charset=utf-8");
        response.setContentLength(body.length);
        response.setHeader("Connection", "close");
        ExtraHeaders.apply(response, config.headers().all());
        ExtraHeaders.apply(response, header.isUpgrade() ? config.headers().ws() : config.headers().http());
        HttpContent content = HttpContent.builder(response)
                .content(Buffers.wrap(ctx.getMemoryManager(), body))
                .last(true)
                .build();
        // Written from the codec, the response starts below it: it has to be encoded here.
        CloseAfterWrite.write(ctx, encodeHttpPacket(ctx, content));
    }

    /** What Grizzly's parser stopped at, answered as Go's net/http (websocketd) would, or better. */
    private static Answer grizzlyRefusal(HttpRequestPacket request, FilterChainContext ctx, Throwable t) {
        if (t instanceof MimeHeaders.MaxHeaderCountExceededException) {
            return HEAD_TOO_LARGE;
        }
        if (request instanceof HttpPacketParsing parsing && ctx.getMessage() instanceof Buffer input) {
            HttpCodecFilter.HeaderParsingState state = parsing.getHeaderParsingState();
            // The codec's own overflow test (HeaderParsingState.checkOverflow); state 0 is the request line.
            if (input.limit() >= state.packetLimit) {
                return state.state == 0 ? LINE_TOO_LONG : HEAD_TOO_LARGE;
            }
        }
        return request.getResponse().getStatus() == 505 ? BAD_VERSION : MALFORMED;
    }

    private static String logUrl(HttpRequestPacket request) {
        String url = GrizzlyRequests.logUrl(request);
        return url.length() <= MAX_LOGGED_URL ? url : url.substring(0, MAX_LOGGED_URL) + "...";
    }
}
