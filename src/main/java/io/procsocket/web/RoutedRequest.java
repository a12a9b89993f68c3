package io.procsocket.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * An admitted upgrade re-addressed to the fixed endpoint path the gateway chose (the ticket's path), so the
 * container's own WebSocket filter upgrades it to that endpoint. Tomcat maps by servlet path and path info,
 * Payara's Tyrus by request URI: all of them say the new path.
 */
final class RoutedRequest extends HttpServletRequestWrapper {
    private final String path;

    RoutedRequest(HttpServletRequest request, String path) {
        super(request);
        this.path = path;
    }

    @Override
    public String getRequestURI() {
        return getContextPath() + path;
    }

    @Override
    public StringBuffer getRequestURL() {
        String url = super.getRequestURL().toString();
        String uri = super.getRequestURI();
        return new StringBuffer(url.substring(0, url.length() - uri.length())).append(getRequestURI());
    }

    @Override
    public String getServletPath() {
        return path;
    }

    @Override
    public String getPathInfo() {
        return null;
    }
}
