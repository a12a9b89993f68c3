package io.procsocket.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files websocketd (Go's tls.LoadX509KeyPair) takes, with the JDK alone: certificate
 * chains, and unencrypted private keys as PKCS#8 ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or SEC1
 * ("EC PRIVATE KEY"). The JDK's KeyFactory only reads PKCS#8, so the other two are wrapped in a
 * PKCS#8 envelope first; that needs only a few bytes of DER, not a crypto library.
 */
final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** AlgorithmIdentifier { rsaEncryption, NULL } */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** OID id-ecPublicKey 1.2.840.10045.2.1 */
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private PemFiles() { }

    /**
     * Go's tooling makes certificates with an empty subject or issuer (a SAN-only certificate), and websocketd
     * serves them; the JDK refuses to parse them at all (and so does Bouncy Castle 1.87), so there is no loading
     * them here. Say so in one line with the way out, instead of the parser's message.
     */
    private static GeneralSecurityException withoutName(Path file, java.security.cert.CertificateParsingException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Empty issuer DN") || m.contains("Empty subject DN")) {
            return new GeneralSecurityException(file + ": the certificate has an empty subject or issuer name, which"
                    + " Java cannot load; give it a subject (for example openssl req -x509 ... -subj /CN=yourhost)", e);
        }
        return e;
    }

    static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certs = new ArrayList<>();
        for (Block b : blocks(file)) {
            if (b.type.equals("CERTIFICATE")) {
                try {
                    certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der)));
                } catch (java.security.cert.CertificateParsingException e) {
                    throw withoutName(file, e);
                }
            }
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no PEM CERTIFICATE in " + file);
        }
        return certs;
    }

    static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        for (Block b : blocks(file)) {
            switch (b.type) {
                case "PRIVATE KEY":
                    return pkcs8(b.der, "RSA", "EC", "Ed25519", "Ed448");
                case "RSA PRIVATE KEY":
                    return pkcs8(sequence(integerZero(), RSA_ALGORITHM, octetString(b.der)), "RSA");
                case "EC PRIVATE KEY":
                    byte[] algorithm = tlv(0x30, concat(EC_PUBLIC_KEY_OID, sec1CurveOid(b.der)));
                    return pkcs8(sequence(integerZero(), algorithm, octetString(b.der)), "EC");
                case "ENCRYPTED PRIVATE KEY":
                    throw new GeneralSecurityException("encrypted private keys are not supported (as in websocketd): "
                            + file);
                default:
                    // EC PARAMETERS and other blocks that may precede the key.
            }
        }
        throw new GeneralSecurityException("no PEM private key in " + file);
    }

    private static PrivateKey pkcs8(byte[] der, String... algorithms) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("unreadable private key: " + (last == null ? "" : last.getMessage()));
    }

    /** SEC1 ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters OID, [1] publicKey } */
    private static byte[] sec1CurveOid(byte[] der) throws GeneralSecurityException {
        int[] outer = header(der, 0);
        int pos = outer[0];
        int end = pos + outer[1];
        while (pos < end) {
            int[] h = header(der, pos);
            if ((der[pos] & 0xff) == 0xa0) {
                byte[] oid = new byte[h[1]];
                System.arraycopy(der, h[0], oid, 0, h[1]);
                return oid;
            }
            pos = h[0] + h[1];
        }
        throw new GeneralSecurityException("EC PRIVATE KEY names no curve");
    }

    /** {contentStart, contentLength} of the DER element at {@code pos}. */
    private static int[] header(byte[] der, int pos) throws GeneralSecurityException {
        if (pos + 2 > der.length) {
            throw new GeneralSecurityException("truncated DER");
        }
        int len = der[pos + 1] & 0xff;
        int start = pos + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            if (n == 0 || n > 3 || start + n > der.length) {
                throw new GeneralSecurityException("bad DER length");
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[start + i] & 0xff);
            }
            start += n;
        }
        if (start + len > der.length) {
            throw new GeneralSecurityException("truncated DER");
        }
        return new int[] {start, len};
    }

    private static byte[] integerZero() {
        return new byte[] {0x02, 0x01, 0x00};
    }

    private static byte[] octetString(byte[] content) {
        return tlv(0x04, content);
    }

    private static byte[] sequence(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private record Block(String type, byte[] der) { }

    private static List<Block> blocks(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new GeneralSecurityException("bad base64 in " + file);
            }
        }
        return out;
    }
}
