package io.procsocket.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * An RFC 6455 client written on a bare {@link Socket}, so that tests can send what no WebSocket library
 * will: reserved bits, reserved opcodes, unmasked frames, oversized control frames, broken UTF-8, bad
 * close codes. It checks the handshake itself and reads frames exactly as they arrive. Every read is
 * bounded by a socket timeout, so a server that never answers fails the test instead of hanging it.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;
    /** What {@link #awaitCloseCode()} returns when the connection ended without a close frame (RFC 6455 7.1.5). */
    public static final int NO_CLOSE_FRAME = 1006;
    /** What {@link #awaitCloseCode()} returns for a close frame without a status code. */
    public static final int NO_STATUS = 1005;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One frame as read from the wire (payload already unmasked, if the server broke the rules and masked it). */
    public record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, {@link #NO_STATUS} if it has none. */
        public int closeCode() {
            return payload.length < 2 ? NO_STATUS : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Duration timeout;

    /** Null on a Unix socket, whose streams and close are {@link #unix}'s. */
    private final UnixSocketStreams unix;
    private volatile String responseHead;

    private RawWebSocket(Socket socket, Duration timeout) throws IOException {
        this.socket = socket;
        this.unix = null;
        this.timeout = timeout;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    private RawWebSocket(UnixSocketStreams unix, Duration timeout) {
        this.socket = null;
        this.unix = unix;
        this.timeout = timeout;
        this.in = unix.in();
        this.out = unix.out();
    }

    /** The opening handshake for {@code path} over a Unix domain socket (--unixsocket), as {@code Host: host}. */
    public static RawWebSocket openUnix(java.nio.file.Path socketFile, String host, String path, Duration timeout)
            throws IOException {
        UnixSocketStreams streams = UnixSocketStreams.connect(socketFile, timeout);
        try {
            RawWebSocket ws = new RawWebSocket(streams, timeout);
            ws.handshake(host, path);
            return ws;
        } catch (IOException | RuntimeException e) {
            streams.close();
            throw e;
        }
    }

    /** The server answered the upgrade with something other than 101. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        Refused(String statusLine) {
            super("handshake refused: " + statusLine);
            String[] parts = statusLine.split(" ");
            this.status = parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        }

        public int status() {
            return status;
        }
    }

    /** Connects to 127.0.0.1:port, performs the opening handshake for {@code path} and checks the 101 answer. */
    public static RawWebSocket open(int port, String path, Duration timeout) throws IOException {
        return open(port, path, timeout, 0);
    }

    /**
     * As {@link #open(int, String, Duration)}, with a small socket receive buffer (if {@code receiveBuffer}
     * > 0) for clients that stop reading, so the server's writes back up quickly.
     */
    public static RawWebSocket open(int port, String path, Duration timeout, int receiveBuffer) throws IOException {
        return open(port, path, timeout, receiveBuffer, "");
    }

    /** As above, with {@code extraHeaders} ("Name: value\r\n" lines) in the handshake. */
    public static RawWebSocket open(int port, String path, Duration timeout, int receiveBuffer, String extraHeaders)
            throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) timeout.toMillis());
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            RawWebSocket ws = new RawWebSocket(socket, timeout);
            ws.handshake("127.0.0.1:" + port, path, extraHeaders);
            return ws;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void handshake(String host, String path) throws IOException {
        handshake(host, path, "");
    }

    /** The 101's head, status line and headers. */
    public String responseHead() {
        return responseHead;
    }

    private void handshake(String host, String path, String extraHeaders) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Origin: http://" + host + "\r\n" + extraHeaders + "\r\n";
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String head = readHead();
        responseHead = head;
        String status = head.substring(0, head.indexOf("\r\n"));
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new Refused(status);
        }
        String expected = accept(key);
        boolean acceptOk = head.lines().anyMatch(l -> l.toLowerCase().startsWith("sec-websocket-accept:")
                && l.substring(l.indexOf(':') + 1).trim().equals(expected));
        if (!acceptOk) {
            throw new IOException("wrong or missing Sec-WebSocket-Accept in:\n" + head);
        }
    }

    /** Reads the response head byte by byte, so no frame byte after it is swallowed. */
    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the handshake after: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(
                    sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every JVM", e);
        }
    }

    /** A masked, final frame with no reserved bits: what a well-behaved client sends. */
    public void send(int opcode, byte[] payload) throws IOException {
        sendFrame(true, 0, opcode, payload, true);
    }

    public void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A close frame with {@code code} and {@code reason}. */
    public void sendClose(int code, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        send(CLOSE, p);
    }

    /** Bytes exactly as given: half a frame, a header without its payload. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The server's close frame, read but not answered (a client that stops taking part); null on EOF first. */
    public Frame readCloseWithoutAnswering() throws IOException {
        while (true) {
            Frame f;
            try {
                f = readFrame();
            } catch (EOFException e) {
                return null;
            }
            if (f.opcode() == CLOSE) {
                return f;
            }
        }
    }

    /** Any frame at all, including ones the RFC forbids. */
    public void sendFrame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) throws IOException {
        out.write(frame(fin, rsv, opcode, payload, masked));
        out.flush();
    }

    /**
     * {@code bytes} in writes of {@code min}..{@code max} bytes (sizes from {@code random}), each flushed on its own:
     * with TCP_NODELAY, one segment each, as a slow or chatty client sends a large message.
     */
    public void sendInPieces(byte[] bytes, int min, int max, java.util.Random random) throws IOException {
        for (int i = 0; i < bytes.length;) {
            int n = Math.min(bytes.length - i, min + random.nextInt(max - min + 1));
            out.write(bytes, i, n);
            out.flush();
            i += n;
        }
    }

    /** The bytes of a frame, as {@link #sendFrame} writes it (masked with a random key if {@code masked}). */
    public static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0xF));
        int maskBit = masked ? 0x80 : 0;
        if (payload.length <= 125) {
            f.write(maskBit | payload.length);
        } else if (payload.length <= 0xFFFF) {
            f.write(maskBit | 126);
            f.write(payload.length >> 8);
            f.write(payload.length);
        } else {
            f.write(maskBit | 127);
            long len = payload.length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) (len >> shift));
            }
        }
        if (masked) {
            byte[] mask = new byte[4];
            RANDOM.nextBytes(mask);
            f.write(mask, 0, 4);
            byte[] masked2 = new byte[payload.length];
            for (int i = 0; i < payload.length; i++) {
                masked2[i] = (byte) (payload[i] ^ mask[i & 3]);
            }
            f.write(masked2, 0, masked2.length);
        } else {
            f.write(payload, 0, payload.length);
        }
        return f.toByteArray();
    }

    /** The next frame; fails on timeout, {@link EOFException} if the connection ended. */
    public Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long len = b1 & 0x7F;
        if (len == 126) {
            len = (readByte() << 8) | readByte();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte();
            }
        }
        boolean masked = (b1 & 0x80) != 0;
        byte[] mask = masked ? in.readNBytes(4) : null;
        if (len > Integer.MAX_VALUE - 8) {
            throw new IOException("frame too long: " + len);
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length != len) {
            throw new EOFException("connection closed inside a frame");
        }
        if (masked) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
        }
        return new Frame((b0 & 0x80) != 0, (b0 >> 4) & 0x7, b0 & 0xF, masked, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /**
     * Reads until the server's close frame (replying to it as a client must) and returns its status
     * code, or {@link #NO_CLOSE_FRAME} if the connection ended without one. Data frames on the way are
     * skipped: the cases that use this only care how the connection ends.
     */
    public int awaitCloseCode() throws IOException {
        return awaitClose().closeCode();
    }

    /** Like {@link #awaitCloseCode()} but returns the whole close frame (code 1006, empty, if none came). */
    public Frame awaitClose() throws IOException {
        // One deadline for the whole wait: frames that keep arriving (pings) must not extend it forever.
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no close frame within " + timeout);
            }
            Frame f;
            try {
                f = readFrame();
            } catch (EOFException e) {
                return new Frame(true, 0, CLOSE, false, new byte[] {(byte) (NO_CLOSE_FRAME >> 8), (byte) NO_CLOSE_FRAME});
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no close frame within the socket timeout", e);
            } catch (IOException e) {
                // A reset after the server dropped the connection: no close frame reached us.
                return new Frame(true, 0, CLOSE, false, new byte[] {(byte) (NO_CLOSE_FRAME >> 8), (byte) NO_CLOSE_FRAME});
            }
            if (f.opcode() == CLOSE) {
                try {
                    send(CLOSE, f.payload().length >= 2 ? new byte[] {f.payload()[0], f.payload()[1]} : new byte[0]);
                } catch (IOException ignored) {
                    // The server may already have closed the TCP connection after its close frame.
                }
                return f;
            }
        }
    }

    /** True when the server closed the TCP connection (EOF) within the socket timeout. */
    public boolean awaitEof() throws IOException {
        try {
            while (in.read() >= 0) {
                // discard
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset: closed too
        }
    }

    /** The client's own TCP port (-1 on a Unix socket): to find this connection in /proc/net/tcp. */
    public int localPort() {
        return socket == null ? -1 : socket.getLocalPort();
    }

    /** Vanishes without a close frame: a TCP reset, as when a client machine loses power mid-session. */
    public void abort() throws IOException {
        if (unix != null) {
            unix.close();
            return;
        }
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        if (unix != null) {
            unix.close();
        } else {
            socket.close();
        }
    }
}
