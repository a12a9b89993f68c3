package io.procsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Go's path.Clean as net/http's ServeMux applies it, and the redirect websocketd answers with. */
class CleanPathTest {
    @Test
    void cleansAsGoDoes() {
        assertEquals("/hello.sh", CleanPath.clean("/sub/../hello.sh"));
        assertEquals("/sub/", CleanPath.clean("//sub/"));
        assertEquals("/sub", CleanPath.clean("//sub"));
        assertEquals("/a/b", CleanPath.clean("/a/./b"));
        assertEquals("/", CleanPath.clean("/../.."));
        assertEquals("/a/", CleanPath.clean("/a/b/.."));
        assertEquals("/a/", CleanPath.clean("/a/."));
        assertEquals("/", CleanPath.clean("/"));
        assertEquals("/a/b/", CleanPath.clean("/a/b/"));
    }

    @Test
    void aCleanPathIsNotRedirected() {
        assertNull(CleanPath.redirect("", "/a/b.sh/extra", "x=1"));
        assertNull(CleanPath.redirect("", "/", ""));
    }

    @Test
    void theRedirectKeepsTheQueryAndIsNeverProtocolRelative() {
        Refusal r = CleanPath.redirect("", "//evil.example/x", "q=1");
        assertEquals(301, r.status());
        assertEquals("/evil.example/x?q=1", r.headers().get(0).value());
        assertEquals("/sub/", CleanPath.redirect("", "///sub/", null).headers().get(0).value());
    }

    @Test
    void theRedirectIsEncodedAndUnderTheContextPath() {
        assertEquals("/procsocket/a%20b/%22c%22", CleanPath.redirect("/procsocket", "/x/../a b/\"c\"", "").headers().get(0).value());
        assertEquals("/caf%C3%A9", CleanPath.redirect("", "/./café", "").headers().get(0).value());
    }
}
