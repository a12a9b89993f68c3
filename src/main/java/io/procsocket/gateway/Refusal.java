package io.procsocket.gateway;

/** An upgrade the gateway will not take: the HTTP status and the short plain-text body to answer with. */
public record Refusal(int status, String body) {
    public static final Refusal TOO_MANY = new Refusal(429, "429 Too Many Requests\n");
    public static final Refusal NOT_FOUND = new Refusal(404, "404 Not Found\n");
    public static final Refusal BAD_REQUEST = new Refusal(400, "400 Bad Request\n");
    public static final Refusal FORBIDDEN = new Refusal(403, "403 Forbidden\n");
    public static final Refusal ORIGIN_FORBIDDEN = new Refusal(403, "403 Origin Forbidden\n");
    public static final Refusal NOT_EXECUTABLE = new Refusal(403, "403 Forbidden: script is not executable\n");
}
