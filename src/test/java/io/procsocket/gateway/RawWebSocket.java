package io.procsocket.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client that only does the handshake by hand, for what a real client hides: the HTTP
 * status of a refused upgrade, and a peer that upgrades and then never reads a byte.
 */
public final class RawWebSocket implements AutoCloseable {
    private final Socket socket;
    private final String statusLine;

    private RawWebSocket(Socket socket, String statusLine) {
        this.socket = socket;
        this.statusLine = statusLine;
    }

    /** Sends the upgrade and reads the response head (only the head: nothing after it is read). */
    public static RawWebSocket upgrade(int port, String path, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.setSoTimeout(10_000);
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        String key = Base64.getEncoder().encodeToString("procsocket-tests".getBytes(StandardCharsets.US_ASCII));
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int eol = text.indexOf("\r\n");
        return new RawWebSocket(s, eol < 0 ? text : text.substring(0, eol));
    }

    /**
     * Sends one client text frame. The mask key is zero (allowed by RFC 6455), so the payload goes
     * out as is; the write blocks when the server stops reading, as a real client's would.
     */
    public void sendText(byte[] payload) throws IOException {
        byte[] head;
        if (payload.length < 126) {
            head = new byte[] {(byte) 0x81, (byte) (0x80 | payload.length), 0, 0, 0, 0};
        } else if (payload.length < 65536) {
            head = new byte[] {(byte) 0x81, (byte) (0x80 | 126), (byte) (payload.length >> 8), (byte) payload.length,
                    0, 0, 0, 0};
        } else {
            head = new byte[14];
            head[0] = (byte) 0x81;
            head[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                head[2 + i] = (byte) ((long) payload.length >>> (8 * (7 - i)));
            }
        }
        socket.getOutputStream().write(head);
        socket.getOutputStream().write(payload);
        socket.getOutputStream().flush();
    }

    public String statusLine() {
        return statusLine;
    }

    public int status() {
        String[] parts = statusLine.split(" ");
        return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
