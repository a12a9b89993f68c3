package io.procsocket.server;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.glassfish.grizzly.ssl.SSLUtils;
import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.gateway.Ipv6Text;
import io.procsocket.gateway.UriPaths;
import java.net.InetSocketAddress;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.util.MimeHeaders;

/** Grizzly's request packet to the container-neutral {@link HandshakeInfo}. */
final class GrizzlyRequests {
    private GrizzlyRequests() { }

    /** The peer's address as websocketd writes it: canonical IPv6, and "unknown_host" on a Unix socket. */
    static String remoteAddr(HttpRequestPacket request) {
        return remoteAddr(request.getConnection());
    }

    /** As {@link #remoteAddr(HttpRequestPacket)}, for a connection that has not sent a request head yet. */
    static String remoteAddr(Connection<?> connection) {
        if (UnixConnection.isUnix(connection)) {
            return HandshakeInfo.UNKNOWN_HOST;
        }
        Object peer = connection.getPeerAddress();
        return peer instanceof InetSocketAddress a && a.getAddress() != null
                ? Ipv6Text.canonical(a.getAddress().getHostAddress()) : String.valueOf(peer);
    }

    /** websocketd's url:'...' log value for a request: scheme, the Host header as sent, the request target. */
    static String logUrl(HttpRequestPacket request) {
        String host = request.getHeader("Host");
        String uri = request.getRequestURI();
        String query = request.getQueryString();
        return (request.isSecure() ? "https://" : "http://") + (host == null ? "" : host) + (uri == null ? "" : uri)
                + (query == null ? "" : "?" + query);
    }

    /** Request headers in arrival order, names as sent, repeated ones repeated. */
    static List<Map.Entry<String, String>> headers(HttpRequestPacket request) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        MimeHeaders mime = request.getHeaders();
        for (int i = 0; i < mime.size(); i++) {
            headers.add(new AbstractMap.SimpleImmutableEntry<>(mime.getName(i).toString(), mime.getValue(i).toString()));
        }
        return headers;
    }

    /** The snapshot, or null if the path cannot be decoded. */
    static HandshakeInfo handshakeInfo(HttpRequestPacket request) {
        String rawPath = request.getRequestURI();
        String path = UriPaths.decode(rawPath);
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        String query = request.getQueryString();
        String requestUri = query == null ? rawPath : rawPath + "?" + query;
        String certificate = clientCertificate(request);
        return new HandshakeInfo(requestUri, path, query == null ? "" : query, "", headers(request),
                remoteAddr(request), UnixConnection.isUnix(request.getConnection()) ? -1 : request.getRemotePort(),
                request.isSecure(),
                request.getMethod().getMethodString(), request.getProtocolString(), certificate,
                certificate.isEmpty() ? "" : "ClientCert");
    }

    /**
     * The subject (RFC 2253) of the TLS client certificate the connection presented (--sslca), or "": it becomes
     * REMOTE_USER. The TLS handshake has verified it against --sslca before any request could be read.
     */
    static String clientCertificate(HttpRequestPacket request) {
        if (!request.isSecure()) {
            return "";
        }
        SSLEngine engine = SSLUtils.getSSLEngine(request.getConnection());
        if (engine == null) {
            return "";
        }
        try {
            Certificate[] chain = engine.getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x
                    ? x.getSubjectX500Principal().getName() : "";
        } catch (SSLPeerUnverifiedException e) {
            return "";
        }
    }
}
