package io.procsocket.web;

import io.procsocket.config.Config;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The browser's procsocket.v1 client, one ES module (src/main/webapp/procsocket.js), served by both front
 * doors at {@link #PATH} below the context path, with or without --devconsole: pages of the user's own
 * static files import it from there. Loaded once.
 */
public final class ClientLibrary {
    public static final String PATH = "/.procsocket/procsocket.js";
    public static final String RESOURCE = "/io/procsocket/webroot/procsocket.js";
    public static final String CONTENT_TYPE = "text/javascript; charset=utf-8";
    private static final byte[] BODY = WebRoot.load(RESOURCE);
    /** Changes with every edit of the file, so revalidation (below) never keeps a stale copy. */
    private static final String ETAG = etag(BODY);
    private static final byte[] NOT_ALLOWED = "405 Method Not Allowed\n".getBytes(StandardCharsets.UTF_8);
    /**
     * no-cache: a browser may keep the module but asks every time (a 304 for an unchanged one), so a
     * redeployed server never runs against last version's client. nosniff: module scripts must be served as
     * JavaScript, and nothing else served here should ever be taken for one.
     */
    private static final List<Config.Header> HEADERS = List.of(
            new Config.Header("X-Content-Type-Options", "nosniff"),
            new Config.Header("Cache-Control", "no-cache"),
            new Config.Header("ETag", ETAG));

    /**
     * What to answer: status, headers, the content type and length to declare, and the bytes to write (none
     * for HEAD, a 304 or a 405's HEAD).
     */
    public record Reply(int status, List<Config.Header> headers, String contentType, int contentLength, byte[] body) {
        /** The log line's words, in the style of the other plain HTTP lines. */
        public String logLine() {
            return status == 405 ? "CLIENT LIBRARY: method not allowed" : status == 304 ? "CLIENT LIBRARY (not modified)"
                    : "CLIENT LIBRARY";
        }
    }

    private ClientLibrary() { }

    /** Whether the decoded, cleaned request path (below the context path) is the library's. */
    public static boolean isPath(String path) {
        return PATH.equals(path);
    }

    /** The reply to {@code method} with the request's If-None-Match header ({@code null} when absent). */
    public static Reply reply(String method, String ifNoneMatch) {
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            return new Reply(405, List.of(new Config.Header("Allow", "GET, HEAD")), "text/plain; charset=utf-8",
                    NOT_ALLOWED.length, NOT_ALLOWED);
        }
        if (ifNoneMatch != null && matches(ifNoneMatch)) {
            return new Reply(304, HEADERS, null, -1, new byte[0]);
        }
        return new Reply(200, HEADERS, CONTENT_TYPE, BODY.length, head ? new byte[0] : BODY.clone());
    }

    private static boolean matches(String ifNoneMatch) {
        return Arrays.stream(ifNoneMatch.split(","))
                .map(String::trim)
                .map(t -> t.startsWith("W/") ? t.substring(2) : t)
                .anyMatch(t -> t.equals("*") || t.equals(ETAG));
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
