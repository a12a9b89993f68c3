package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.procsocket.config.CommandLine;
import io.procsocket.server.StandaloneServer;
import io.procsocket.testing.TesterScripts;
import io.procsocket.testing.TesterServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --ssl from PEM files (every key form websocketd takes), --sslca for mutual TLS, --redirport. */
class TlsTest {
    @TempDir
    static Path tmp;
    private static TestCertificates certs;
    private static Path https;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.create(tmp);
        https = TesterScripts.sh(tmp, "https.sh", "echo \"HTTPS=$HTTPS\"");
    }

    private static TesterServer start(String key, String cert, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--ssl", "--sslcert=" + certs.path(cert),
                "--sslkey=" + certs.path(key)));
        args.addAll(List.of(more));
        args.add(https.toString());
        return TesterServer.start(args.toArray(new String[0]));
    }

    private static SSLSocket connect(SSLContext ctx, int port) throws IOException {
        SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(RawHttp.TIMEOUT_MS);
        return socket;
    }

    /** wss:// handshake and the first text frame the program sends. */
    private static String firstMessageOverWss(SSLContext ctx, int port) throws IOException {
        try (SSLSocket socket = connect(ctx, port)) {
            OutputStream out = socket.getOutputStream();
            out.write(RawHttp.upgradeRequest("/", "127.0.0.1:" + port, "").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            RawHttp.Reply reply = RawHttp.read(socket.getInputStream());
            assertEquals(101, reply.status());
            return WsFrames.next(socket.getInputStream()).text();
        }
    }

    private static int plainGetStatus(SSLContext ctx, int port) throws IOException {
        try (SSLSocket socket = connect(ctx, port)) {
            socket.getOutputStream().write(("GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return RawHttp.read(socket.getInputStream()).status();
        }
    }

    @Test
    void pkcs1RsaKeyServesWssAndTheProgramSeesHttpsOn() throws Exception {
        try (TesterServer server = start("rsa-pkcs1.key", "server-rsa.pem")) {
            assertEquals("HTTPS=on", firstMessageOverWss(certs.clientContext(false), server.port()));
        }
    }

    /** --shared writes its frames to the connection itself: they must go through TLS like Tyrus's own. */
    @Test
    void aSharedProgramsFramesAreEncryptedAndItSeesHttpsOn() throws Exception {
        try (TesterServer server = start("rsa-pkcs1.key", "server-rsa.pem", "--shared", "--shared-replay=1")) {
            assertEquals("HTTPS=on", firstMessageOverWss(certs.clientContext(false), server.port()));
        }
    }

    @Test
    void cgiScriptsOverHttpsSeeHttpsOn() throws Exception {
        Path cgi = java.nio.file.Files.createDirectories(tmp.resolve("cgi"));
        TesterScripts.sh(cgi, "env.cgi", "printf 'Content-Type: text/plain\\n\\nHTTPS=%s' \"$HTTPS\"");
        try (TesterServer server = TesterServer.start("--ssl", "--sslcert=" + certs.path("server-rsa.pem"),
                "--sslkey=" + certs.path("rsa-pkcs1.key"), "--cgidir=" + cgi);
             SSLSocket socket = connect(certs.clientContext(false), server.port())) {
            socket.getOutputStream().write("GET /env.cgi HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            RawHttp.Reply reply = RawHttp.read(socket.getInputStream());
            assertEquals(200, reply.status());
            assertEquals("HTTPS=on", reply.body());
        }
    }

    @Test
    void pkcs8KeyServesHttps() throws Exception {
        try (TesterServer server = start("rsa-pkcs8.key", "server-rsa.pem")) {
            assertEquals(404, plainGetStatus(certs.clientContext(false), server.port()));
        }
    }

    @Test
    void ecSec1KeyServesWss() throws Exception {
        try (TesterServer server = start("ec-sec1.key", "server-ec.pem")) {
            assertEquals("HTTPS=on", firstMessageOverWss(certs.clientContext(false), server.port()));
        }
    }

    @Test
    void keyThatDoesNotMatchTheCertificateFailsAtStartup() {
        assertThrows(RuntimeException.class, () -> start("ec-sec1.key", "server-rsa.pem").close());
    }

    @Test
    void mutualTlsAcceptsAClientCertificateSignedBySslca() throws Exception {
        try (TesterServer server = start("rsa-pkcs1.key", "server-rsa.pem", "--sslca=" + certs.path("ca.pem"))) {
            assertEquals("HTTPS=on", firstMessageOverWss(certs.clientContext(true), server.port()));
        }
    }

    @Test
    void clientCertificatesSubjectIsTheUserTheProgramSees() throws Exception {
        Path who = TesterScripts.sh(tmp, "who.sh", "echo \"$REMOTE_USER|$AUTH_TYPE\"");
        try (TesterServer server = TesterServer.start("--ssl", "--sslcert=" + certs.path("server-rsa.pem"),
                "--sslkey=" + certs.path("rsa-pkcs1.key"), "--sslca=" + certs.path("ca.pem"), who.toString())) {
            assertEquals("CN=procsocket test client|ClientCert", firstMessageOverWss(certs.clientContext(true), server.port()));
        }
    }

    @Test
    void mutualTlsRefusesAClientWithoutCertificate() throws Exception {
        try (TesterServer server = start("rsa-pkcs1.key", "server-rsa.pem", "--sslca=" + certs.path("ca.pem"))) {
            // TLS 1.3 clients finish their side of the handshake before the server checks; the refusal
            // then arrives as an alert on the first read. Either way no HTTP response ever comes back.
            SSLContext noCert = certs.clientContext(false);
            assertThrows(IOException.class, () -> plainGetStatus(noCert, server.port()));
            assertThrows(IOException.class, () -> firstMessageOverWss(noCert, server.port()));
        }
    }

    @Test
    void redirportAnswers301ToTheHttpsAddress() throws Exception {
        int redirPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            redirPort = probe.getLocalPort();
        }
        CommandLine.Parsed parsed = CommandLine.parse(List.of("--port=0", "--address=127.0.0.1", "--ssl",
                "--sslcert=" + certs.path("server-rsa.pem"), "--sslkey=" + certs.path("rsa-pkcs1.key"),
                "--redirport=" + redirPort, https.toString()), System.getenv(), tmp);
        try (StandaloneServer server = StandaloneServer.start(parsed.config())) {
            RawHttp.Reply reply = RawHttp.get(server.redirectPort(), "/some/path?x=1");
            assertEquals(301, reply.status());
            assertEquals("https://127.0.0.1:" + server.port() + "/some/path?x=1", reply.header("Location"));
            // The redirect port reads request heads by the same rules as the main one.
            assertEquals(301, RawHttp.exchange(server.redirectPort(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: "
                    + "c".repeat(100_000) + "\r\nConnection: close\r\n\r\n").status());
            assertEquals(400, RawHttp.exchangeExpectingClose(server.redirectPort(), "POST / HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n").status());
        }
    }
}
