package io.procsocket.parity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away CA, server certificates for 127.0.0.1 with keys in every PEM form websocketd takes
 * (PKCS#1 RSA, PKCS#8, SEC1 EC) and a client certificate, made with the openssl command line
 * (installed by .ci/install-deps). A missing openssl fails the test loudly.
 */
final class TestCertificates {
    private static final String PASSWORD = "changeit";
    final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    static TestCertificates create(Path dir) throws IOException, InterruptedException {
        TestCertificates c = new TestCertificates(dir);
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        c.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-subj", "/CN=procsocket test CA", "-days", "2");
        c.openssl("genrsa", "-traditional", "-out", "rsa-pkcs1.key", "2048");
        c.openssl("pkcs8", "-topk8", "-nocrypt", "-in", "rsa-pkcs1.key", "-out", "rsa-pkcs8.key");
        c.sign("rsa-pkcs1.key", "/CN=127.0.0.1", "server.ext", "server-rsa.pem");
        c.openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "ec-sec1.key");
        c.sign("ec-sec1.key", "/CN=127.0.0.1", "server.ext", "server-ec.pem");
        c.openssl("genrsa", "-out", "client.key", "2048");
        c.sign("client.key", "/CN=procsocket test client", "client.ext", "client.pem");
        c.openssl("pkcs12", "-export", "-in", "client.pem", "-inkey", "client.key", "-out", "client.p12",
                "-passout", "pass:" + PASSWORD);
        String pkcs1 = Files.readString(dir.resolve("rsa-pkcs1.key"));
        String sec1 = Files.readString(dir.resolve("ec-sec1.key"));
        if (!pkcs1.contains("BEGIN RSA PRIVATE KEY") || !sec1.contains("BEGIN EC PRIVATE KEY")) {
            throw new IllegalStateException("openssl did not write the PKCS#1 / SEC1 forms this test needs");
        }
        return c;
    }

    Path path(String name) {
        return dir.resolve(name);
    }

    /** A client context that trusts the test CA, with the client certificate or without one. */
    SSLContext clientContext(boolean withCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(path("ca.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withCertificate) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(path("client.p12"))) {
                keys.load(in, PASSWORD.toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD.toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private void sign(String key, String subject, String ext, String out) throws IOException, InterruptedException {
        String csr = out + ".csr";
        openssl("req", "-new", "-key", key, "-subj", subject, "-out", csr);
        openssl("x509", "-req", "-in", csr, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", out,
                "-days", "2", "-extfile", ext);
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add("openssl");
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("openssl " + args[0] + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
        }
    }
}
