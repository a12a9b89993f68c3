package io.procsocket.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procsocket.testing.TesterServer;
import org.junit.jupiter.api.Test;

/** --origin and --sameorigin decide exactly as websocketd's checkOrigin: 403 before the upgrade. */
class OriginRulesTest {
    private static int status(TesterServer server, String origin) throws Exception {
        return RawHttp.upgrade(server.port(), "/", origin == null ? "" : "Origin: " + origin + "\r\n").status();
    }

    @Test
    void entryWithoutSchemeOrPortMatchesAnySchemeAndPort() throws Exception {
        try (TesterServer server = TesterServer.start("--origin=example.com", "cat")) {
            assertEquals(101, status(server, "http://example.com"));
            assertEquals(101, status(server, "http://example.com:1234"));
            assertEquals(101, status(server, "https://example.com:8443"));
            assertEquals(403, status(server, "http://other.example"));
            assertEquals(403, status(server, "http://sub.example.com"));
        }
    }

    @Test
    void missingOrNullOriginIsRefusedWhenAListIsSet() throws Exception {
        try (TesterServer server = TesterServer.start("--origin=example.com,127.0.0.1", "cat")) {
            assertEquals(403, status(server, null));
            assertEquals(403, status(server, "null"));
            assertEquals(403, status(server, "not a url"));
        }
    }

    @Test
    void entryWithSchemeAndPortMustMatchBoth() throws Exception {
        try (TesterServer server = TesterServer.start("--origin=https://example.com:8443", "cat")) {
            assertEquals(101, status(server, "https://example.com:8443"));
            assertEquals(403, status(server, "http://example.com:8443"));
            assertEquals(403, status(server, "https://example.com:9443"));
            assertEquals(403, status(server, "https://example.com"));
        }
    }

    @Test
    void explicitPort80MatchesOnlyPort80() throws Exception {
        try (TesterServer server = TesterServer.start("--origin=example.com:80", "cat")) {
            assertEquals(101, status(server, "http://example.com"));
            assertEquals(101, status(server, "http://example.com:80"));
            assertEquals(403, status(server, "http://example.com:8080"));
            assertEquals(403, status(server, "https://example.com"));
        }
    }

    @Test
    void schemeOnlyEntryDefaultsToAnyPort() throws Exception {
        try (TesterServer server = TesterServer.start("--origin=https://example.com", "cat")) {
            assertEquals(101, status(server, "https://example.com"));
            assertEquals(101, status(server, "https://example.com:444"));
            assertEquals(403, status(server, "http://example.com"));
        }
    }

    @Test
    void sameOriginComparesOriginHostPortWithHost() throws Exception {
        try (TesterServer server = TesterServer.start("--sameorigin", "cat")) {
            int port = server.port();
            assertEquals(101, status(server, "http://127.0.0.1:" + port));
            assertEquals(403, status(server, "http://127.0.0.1:1"));
            assertEquals(403, status(server, "http://localhost:" + port));
            assertEquals(403, status(server, null));
            assertEquals(403, status(server, "null"));
            // Default ports: Origin without a port is :80 for http, Host without a port is :80 too.
            assertEquals(101, RawHttp.upgrade(port, "/", "example.com", "Origin: http://example.com\r\n").status());
            assertEquals(403, RawHttp.upgrade(port, "/", "example.com", "Origin: https://example.com\r\n").status());
            assertEquals(101, RawHttp.upgrade(port, "/", "example.com:443", "Origin: https://example.com\r\n").status());
        }
    }

    @Test
    void sameOriginUnderstandsBracketedIpv6Hosts() throws Exception {
        try (TesterServer server = TesterServer.start("--sameorigin", "cat")) {
            int port = server.port();
            assertEquals(101, RawHttp.upgrade(port, "/", "[::1]:8080", "Origin: http://[::1]:8080\r\n").status());
            assertEquals(403, RawHttp.upgrade(port, "/", "[::1]:8080", "Origin: http://[::1]:8081\r\n").status());
            assertEquals(101, RawHttp.upgrade(port, "/", "[::1]", "Origin: http://[::1]\r\n").status());
        }
    }

    @Test
    void noOriginRuleAcceptsAnyOrigin() throws Exception {
        try (TesterServer server = TesterServer.start("cat")) {
            assertEquals(101, status(server, null));
            assertEquals(101, status(server, "null"));
            assertEquals(101, status(server, "http://anything.example:9"));
        }
    }
}
