package io.procsocket.parity;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP over a raw socket: the request goes out byte for byte (no client normalises "..", "%2e" or
 * the Origin header away), and the status line of a refused upgrade can be read directly.
 */
public final class RawHttp {
    public static final int TIMEOUT_MS = 10_000;

    /** A parsed response: status, headers by lower-case name, body as text. */
    public record Reply(int status, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }
    }

    private RawHttp() { }

    public static Reply get(int port, String rawTarget) throws IOException {
        return exchange(port, "GET " + rawTarget + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n");
    }

    /** A WebSocket upgrade for {@code rawTarget}; extra header lines end in CRLF. Only the head is read. */
    public static Reply upgrade(int port, String rawTarget, String extraHeaders) throws IOException {
        return upgrade(port, rawTarget, "127.0.0.1:" + port, extraHeaders);
    }

    public static Reply upgrade(int port, String rawTarget, String host, String extraHeaders) throws IOException {
        return exchange(port, upgradeRequest(rawTarget, host, extraHeaders));
    }

    public static String upgradeRequest(String rawTarget, String host, String extraHeaders) {
        return "GET " + rawTarget + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
    }

    public static Reply exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return read(socket.getInputStream());
        }
    }

    /** Sends {@code request} in one write and reads {@code count} responses off the same connection. */
    static List<Reply> pipelined(int port, String request, int count) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(TIMEOUT_MS);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            List<Reply> replies = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                replies.add(read(socket.getInputStream()));
            }
            return replies;
        }
    }

    /**
     * Sends {@code request} (from another thread, so a server that answers before reading all of it
     * cannot block us in write), reads one response, and then requires the server to close the
     * connection: anything more it sends, or a connection still open after the timeout, fails.
     */
    static Reply exchangeExpectingClose(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(TIMEOUT_MS);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(request);
                    out.flush();
                } catch (IOException e) {
                    // The server may close before reading everything: that is the case under test.
                }
            }, "raw-http-writer");
            writer.setDaemon(true);
            writer.start();
            InputStream in = socket.getInputStream();
            Reply reply = read(in);
            int next;
            try {
                next = in.read();
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the connection stayed open after a " + reply.status(), e);
            } catch (java.net.SocketException e) {
                // A reset: the server closed with our unread bytes still queued. Closed all the same.
                next = -1;
            }
            if (next >= 0) {
                throw new AssertionError("more bytes after a " + reply.status() + ": " + (char) next
                        + new String(in.readNBytes(Math.max(0, in.available())), StandardCharsets.ISO_8859_1));
            }
            return reply;
        }
    }

    static Reply exchangeExpectingClose(int port, String request) throws IOException {
        return exchangeExpectingClose(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads one response head, and its body when it is not a 101. */
    public static Reply read(InputStream in) throws IOException {
        String head = readHead(in);
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status = Integer.parseInt(statusLine[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
            }
        }
        String body = "";
        if (status != 101) {
            List<String> length = headers.get("content-length");
            if (length != null) {
                body = new String(in.readNBytes(Integer.parseInt(length.get(0))), StandardCharsets.UTF_8);
            } else if ("chunked".equalsIgnoreCase(first(headers, "transfer-encoding"))) {
                body = readChunked(in);
            }
        }
        return new Reply(status, headers, body);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null ? null : v.get(0);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            buf.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return buf.toString(StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("connection closed before a complete response head: " + buf);
    }

    private static String readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                readLine(in);
                return body.toString(StandardCharsets.UTF_8);
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
