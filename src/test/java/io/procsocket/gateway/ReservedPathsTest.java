package io.procsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every spelling of /.procsocket/ is the reserved prefix (the paths here are already percent-decoded). */
class ReservedPathsTest {
    @Test
    void everySpellingOfTheReservedPrefixIsReserved() {
        assertTrue(ReservedPaths.reserved("/.procsocket/echo"));
        assertTrue(ReservedPaths.reserved("/.procsocket/gateway/abc"));
        assertTrue(ReservedPaths.reserved("//.procsocket/echo"));
        assertTrue(ReservedPaths.reserved("/./.procsocket/echo"));
        assertTrue(ReservedPaths.reserved("/x/../.procsocket/echo"));
        assertTrue(ReservedPaths.reserved("/../../.procsocket"));
        assertFalse(ReservedPaths.reserved("/procsocket/echo"));
        assertFalse(ReservedPaths.reserved("/a/.procsocket/echo"));
        assertFalse(ReservedPaths.reserved("/.procsocketx/echo"));
    }

    @Test
    void onlyTheExactEchoPathIsTheEchoEndpoint() {
        assertTrue(ReservedPaths.echo("/.procsocket/echo"));
        assertFalse(ReservedPaths.echo("/.procsocket/echo/"));
        assertFalse(ReservedPaths.echo("//.procsocket/echo"));
        assertFalse(ReservedPaths.echo("/.procsocket/echo-session/x"));
    }
}
