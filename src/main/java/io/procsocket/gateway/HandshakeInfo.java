package io.procsocket.gateway;

import java.util.List;
import java.util.Map;

/**
 * What the gateway keeps of an upgrade request, taken before the upgrade by whichever front door
 * saw it (the Grizzly filter standalone, the servlet filter in a container).
 *
 * @param requestUri  the request target exactly as sent: raw path and query
 * @param path        the decoded path below the context path, starting with '/'
 * @param rawQuery    the query string as sent, without '?', or ""
 * @param contextPath "" standalone, the web application's context path in a container
 * @param headers     request headers in arrival order, names as sent
 * @param remoteAddr  peer IP address; {@link #UNKNOWN_HOST} on a Unix socket
 * @param remotePort  peer port; -1 on a Unix socket
 * @param secure      whether the request came over TLS
 * @param method      the request method as sent
 * @param protocol    the HTTP version as sent ("HTTP/1.1")
 * @param principal   who the transport says the client is: the servlet container's authenticated user, or
 *                    standalone the subject of a TLS client certificate (--sslca); "" for nobody
 * @param principalType how the transport knows: the container's auth type (BASIC, FORM, CLIENT_CERT...), or
 *                    "ClientCert" standalone; "" for nobody
 */
public record HandshakeInfo(
        String requestUri,
        String path,
        String rawQuery,
        String contextPath,
        List<Map.Entry<String, String>> headers,
        String remoteAddr,
        int remotePort,
        boolean secure,
        String method,
        String protocol,
        String principal,
        String principalType) {

    /** websocketd's REMOTE_ADDR and REMOTE_HOST for a peer on a Unix socket, which has no address. */
    public static final String UNKNOWN_HOST = "unknown_host";

    public HandshakeInfo {
        headers = List.copyOf(headers);
        principal = principal == null ? "" : principal;
        principalType = principalType == null ? "" : principalType;
    }

    /** A request the transport knows nobody behind. */
    public HandshakeInfo(String requestUri, String path, String rawQuery, String contextPath,
                         List<Map.Entry<String, String>> headers, String remoteAddr, int remotePort, boolean secure,
                         String method, String protocol) {
        this(requestUri, path, rawQuery, contextPath, headers, remoteAddr, remotePort, secure, method, protocol, "", "");
    }

    /** A well-formed upgrade request (GET over HTTP/1.1), as tests and CGI build them. */
    public HandshakeInfo(String requestUri, String path, String rawQuery, String contextPath,
                         List<Map.Entry<String, String>> headers, String remoteAddr, int remotePort, boolean secure) {
        this(requestUri, path, rawQuery, contextPath, headers, remoteAddr, remotePort, secure, "GET", "HTTP/1.1");
    }

    /** First value of a header, matched case-insensitively, or null. */
    public String header(String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    public String host() {
        String host = header("Host");
        return host == null ? "" : host;
    }

    /** websocketd's url:'...' log value: http(s)://host/requestUri. */
    public String logUrl() {
        return (secure ? "https://" : "http://") + host() + contextPath + requestUri;
    }
}
