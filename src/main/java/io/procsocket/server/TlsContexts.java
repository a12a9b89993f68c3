package io.procsocket.server;

import io.procsocket.config.Config;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** --ssl/--sslcert/--sslkey/--sslca to an SSLContext, built in memory: no keystore file for the user to make. */
final class TlsContexts {
    private static final char[] IN_MEMORY = "procsocket".toCharArray();

    private TlsContexts() { }

    static SSLContext build(Config.Tls tls) throws IOException {
        try {
            List<X509Certificate> chain = PemFiles.certificates(tls.certificate());
            PrivateKey key = PemFiles.privateKey(tls.key());
            requireMatching(chain.get(0), key);
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("procsocket", key, IN_MEMORY, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, IN_MEMORY);

            TrustManagerFactory tmf = null;
            if (tls.clientCa() != null) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (X509Certificate ca : PemFiles.certificates(tls.clientCa())) {
                    trust.setCertificateEntry("ca-" + i++, ca);
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS setup failed: " + e.getMessage(), e);
        }
    }

    /** As Go's LoadX509KeyPair does: a key that does not belong to the certificate is an error at startup. */
    private static void requireMatching(X509Certificate cert, PrivateKey key) throws GeneralSecurityException {
        if (!cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            throw new GeneralSecurityException("--sslkey is a " + key.getAlgorithm() + " key but --sslcert holds a "
                    + cert.getPublicKey().getAlgorithm() + " key");
        }
        if (key instanceof RSAKey rsa && cert.getPublicKey() instanceof RSAKey pub
                && !rsa.getModulus().equals(pub.getModulus())) {
            throw new GeneralSecurityException("--sslkey does not match the certificate in --sslcert");
        }
    }
}
