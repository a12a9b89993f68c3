package io.procsocket.web;

import io.procsocket.gateway.HandshakeInfo;
import io.procsocket.gateway.Ipv6Text;
import io.procsocket.gateway.UriPaths;
import jakarta.servlet.http.HttpServletRequest;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A servlet request to the container-neutral {@link HandshakeInfo}. */
final class ServletRequests {
    private ServletRequests() { }

    /** The snapshot, or null if the path cannot be decoded. */
    static HandshakeInfo handshakeInfo(HttpServletRequest request) {
        String contextPath = request.getContextPath();
        String uri = request.getRequestURI();
        // The raw URI, not getServletPath(): containers rewrite "/" to a welcome file there, and
        // PATH_INFO must be the path the client asked for, exactly as standalone.
        String rawPath = uri.startsWith(contextPath) ? uri.substring(contextPath.length()) : uri;
        if (rawPath.isEmpty()) {
            rawPath = "/";
        }
        String path = UriPaths.decode(rawPath);
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        String query = request.getQueryString();
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            for (String value : Collections.list(request.getHeaders(name))) {
                headers.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
            }
        }
        return new HandshakeInfo(query == null ? rawPath : rawPath + "?" + query, path, query == null ? "" : query,
                contextPath, headers, Ipv6Text.canonical(request.getRemoteAddr()), request.getRemotePort(), request.isSecure(),
                request.getMethod(), request.getProtocol(),
                // The container's own authentication, if its security constraints asked for one.
                request.getUserPrincipal() == null ? "" : request.getUserPrincipal().getName(),
                request.getUserPrincipal() == null ? "" : request.getAuthType());
    }
}
