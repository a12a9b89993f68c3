package io.procsocket.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket opening handshake written by hand over a socket, to read a refusal exactly as sent
 * (status and body): java.net.http reports a refused handshake without its body.
 */
final class RawHandshake {
    /** The response's status code, head (status line and headers as sent) and body. */
    record Response(int status, String head, String body) {
        /** The first value of a header, or null. */
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private RawHandshake() { }

    static Response get(URI http) throws IOException {
        return send(http, "GET", "dGhlIHNhbXBsZSBub25jZQ==", "13");
    }

    /** A handshake with the given method, key and version (null leaves the header out). */
    static Response send(URI http, String method, String key, String version) throws IOException {
        try (Socket socket = new Socket(http.getHost(), http.getPort())) {
            socket.setSoTimeout((int) ContainerPeer.WAIT.toMillis());
            String request = method + " " + http.getRawPath() + " HTTP/1.1\r\n"
                    + "Host: " + http.getHost() + ":" + http.getPort() + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + (key == null ? "" : "Sec-WebSocket-Key: " + key + "\r\n")
                    + (version == null ? "" : "Sec-WebSocket-Version: " + version + "\r\n")
                    + (method.equals("GET") ? "" : "Content-Length: 0\r\n")
                    + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(socket.getInputStream());
        }
    }

    /**
     * {@code n} handshakes released at the same moment; their statuses. Every socket stays open until all have
     * answered, so an upgraded one keeps its slot for the whole burst.
     */
    static java.util.List<Integer> burst(URI http, int n) throws Exception {
        java.util.List<Socket> sockets = new java.util.ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            String request = "GET " + http.getRawPath() + " HTTP/1.1\r\nHost: " + http.getHost() + ":" + http.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
            for (int i = 0; i < n; i++) {
                Socket socket = new Socket(http.getHost(), http.getPort());
                socket.setSoTimeout((int) ContainerPeer.WAIT.toMillis());
                sockets.add(socket);
                answers.add(pool.submit(() -> {
                    go.await();
                    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                    return read(socket.getInputStream()).status();
                }));
            }
            go.countDown();
            java.util.List<Integer> statuses = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                int status = answers.get(i).get(ContainerPeer.WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                statuses.add(status);
                if (status == 101) {
                    closeCleanly(sockets.get(i));
                }
            }
            return statuses;
        } finally {
            pool.shutdownNow();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /**
     * Ends an upgraded connection with a close frame and waits for the server's end of it. Dropping the socket
     * right after the 101 instead leaves, in Payara 6, a session that never hears of it (no onClose, pings
     * "succeed"): its program and slot stay. That is Payara's, noted in the README; this test is about the burst.
     */
    private static void closeCleanly(Socket socket) throws IOException {
        socket.getOutputStream().write(new byte[] {(byte) 0x88, (byte) 0x82, 1, 2, 3, 4, 0x03 ^ 1, (byte) (0xE8 ^ 2)});
        InputStream in = socket.getInputStream();
        while (in.read() >= 0) {
            // the server's close frame, then its end of the connection
        }
    }

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        String[] lines = headers.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        int length = -1;
        boolean chunked = false;
        for (String line : lines) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        byte[] body;
        if (length >= 0) {
            body = in.readNBytes(length);
        } else if (chunked) {
            body = readChunked(in);
        } else {
            body = new byte[0];
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            StringBuilder size = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    size.append((char) b);
                }
            }
            int n = Integer.parseInt(size.toString().split(";")[0].trim(), 16);
            if (n == 0) {
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(n));
            in.read();
            in.read();
        }
    }
}
