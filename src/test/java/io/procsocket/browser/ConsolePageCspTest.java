package io.procsocket.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * console.html pins its own inline script and style by hash in its Content-Security-Policy. Editing
 * either without updating the hash would leave a page whose script the browser refuses to run; this
 * says so directly, with the value to put in, instead of through a confusing browser-test timeout.
 */
class ConsolePageCspTest {
    private static final Path PAGE = Path.of("src", "main", "webapp", "console.html");

    @Test
    void cspHashesMatchTheInlineScriptAndStyle() throws Exception {
        String html = Files.readString(PAGE, StandardCharsets.UTF_8);
        String csp = only(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">");
        String script = only(html, "<script>(.*?)</script>");
        String style = only(html, "<style>(.*?)</style>");
        // 'self' and nothing broader: procsocket.v1 mode imports the client library from the server.
        assertTrue(csp.contains("script-src " + hash(script) + " 'self';"),
                "script-src must be " + hash(script) + " 'self' in the CSP of " + PAGE + ": " + csp);
        assertTrue(csp.contains("style-src " + hash(style) + ";"),
                "style-src must be " + hash(style) + " in the CSP of " + PAGE + ": " + csp);
        assertTrue(csp.startsWith("default-src 'none';"), csp);
    }

    private static String only(String html, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "no match for " + regex + " in " + PAGE);
        String found = m.group(1);
        assertTrue(!m.find(), "more than one match for " + regex + " in " + PAGE + ": the CSP pins exactly one");
        return found;
    }

    private static String hash(String text) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
    }
}
