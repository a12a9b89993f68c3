package io.procsocket.ops;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * {@code /.procsocket/metrics}, the same for both front doors and the --metrics=ADDR:PORT listener: GET answers the
 * text exposition, any other method 405. It never starts a program nor takes a fork slot.
 */
public final class MetricsPage {
    public static final String PATH = "/.procsocket/metrics";

    /** What to answer: status, Content-Type, body, and Allow for a 405 (else null). */
    public record Reply(int status, String contentType, byte[] body, String allow) { }

    private MetricsPage() { }

    /** {@code path} decoded, below the context path. */
    public static boolean isPath(String path) {
        return PATH.equals(path);
    }

    public static Reply reply(Metrics metrics, String method) throws IOException {
        if (!"GET".equals(method)) {
            return new Reply(405, "text/plain; charset=utf-8", "405 Method Not Allowed\n".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8), "GET");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        metrics.write(out);
        return new Reply(200, metrics.contentType(), out.toByteArray(), null);
    }
}
