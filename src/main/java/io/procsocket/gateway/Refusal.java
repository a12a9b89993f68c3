package io.procsocket.gateway;

import io.procsocket.config.Config;
import java.util.List;

/**
 * An upgrade the gateway will not take: the HTTP status, the short plain-text body to answer with, and any
 * header the status needs (426 names the version we speak, 405 the method we allow). Both front doors send
 * it with a Content-Length and {@code Connection: close}: a refused handshake is the end of that connection.
 */
public record Refusal(int status, String body, List<Config.Header> headers) {
    public static final Refusal TOO_MANY = new Refusal(429, "429 Too Many Requests\n");
    public static final Refusal NOT_FOUND = new Refusal(404, "404 Not Found\n");
    public static final Refusal BAD_REQUEST = new Refusal(400, "400 Bad Request\n");
    public static final Refusal FORBIDDEN = new Refusal(403, "403 Forbidden\n");
    public static final Refusal ORIGIN_FORBIDDEN = new Refusal(403, "403 Origin Forbidden\n");
    public static final Refusal NOT_EXECUTABLE = new Refusal(403, "403 Forbidden: script is not executable\n");
    public static final Refusal METHOD_NOT_ALLOWED = new Refusal(405, "405 Method Not Allowed\n",
            List.of(new Config.Header("Allow", "GET")));
    public static final Refusal UPGRADE_REQUIRED = new Refusal(426, "426 Upgrade Required: WebSocket version 13\n",
            List.of(new Config.Header("Sec-WebSocket-Version", "13")));
    public static final Refusal SERVICE_UNAVAILABLE = new Refusal(503, "503 Service Unavailable\n");

    public Refusal {
        headers = List.copyOf(headers);
    }

    public Refusal(int status, String body) {
        this(status, body, List.of());
    }

    /** The same answer with another body (the reason spelled out for the client). */
    public Refusal withBody(String newBody) {
        return new Refusal(status, newBody, headers);
    }
}
