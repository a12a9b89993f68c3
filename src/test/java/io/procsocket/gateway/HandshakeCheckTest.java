package io.procsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The opening handshake checked before anything is kept for it: each broken request and its answer. */
class HandshakeCheckTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static List<Map.Entry<String, String>> good() {
        List<Map.Entry<String, String>> h = new ArrayList<>();
        h.add(new AbstractMap.SimpleImmutableEntry<>("Host", "127.0.0.1:8080"));
        h.add(new AbstractMap.SimpleImmutableEntry<>("Upgrade", "websocket"));
        h.add(new AbstractMap.SimpleImmutableEntry<>("Connection", "Upgrade"));
        h.add(new AbstractMap.SimpleImmutableEntry<>("Sec-WebSocket-Key", KEY));
        h.add(new AbstractMap.SimpleImmutableEntry<>("Sec-WebSocket-Version", "13"));
        return h;
    }

    private static HandshakeInfo request(String method, String protocol, List<Map.Entry<String, String>> headers) {
        return new HandshakeInfo("/", "/", "", "", headers, "127.0.0.1", 5000, false, method, protocol);
    }

    private static List<Map.Entry<String, String>> with(String name, String value) {
        List<Map.Entry<String, String>> h = new ArrayList<>(good());
        h.removeIf(e -> e.getKey().equalsIgnoreCase(name));
        if (value != null) {
            h.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
        }
        return h;
    }

    private static int status(List<Map.Entry<String, String>> headers) {
        HandshakeCheck.Failure f = HandshakeCheck.check(request("GET", "HTTP/1.1", headers));
        return f == null ? 101 : f.refusal().status();
    }

    @Test
    void aWellFormedHandshakePasses() {
        assertNull(HandshakeCheck.check(request("GET", "HTTP/1.1", good())));
        // Firefox sends "keep-alive, Upgrade".
        assertEquals(101, status(with("Connection", "keep-alive, Upgrade")));
    }

    @Test
    void aPostUpgradeIs405WithAllowGet() {
        HandshakeCheck.Failure f = HandshakeCheck.check(request("POST", "HTTP/1.1", good()));
        assertEquals(405, f.refusal().status());
        assertEquals("Allow", f.refusal().headers().get(0).name());
        assertEquals("GET", f.refusal().headers().get(0).value());
    }

    @Test
    void anHttp10UpgradeIs400() {
        assertEquals(400, HandshakeCheck.check(request("GET", "HTTP/1.0", good())).refusal().status());
    }

    @Test
    void aMissingOrMalformedKeyIs400() {
        assertEquals(400, status(with("Sec-WebSocket-Key", null)));
        assertEquals(400, status(with("Sec-WebSocket-Key", "short")));
        assertEquals(400, status(with("Sec-WebSocket-Key", "!!!!!!!!!!!!!!!!!!!!!!==")));
        // Base64 of 17 bytes: the right alphabet, the wrong length.
        assertEquals(400, status(with("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAAA=")));
        List<Map.Entry<String, String>> twice = good();
        twice.add(new AbstractMap.SimpleImmutableEntry<>("Sec-WebSocket-Key", KEY));
        assertEquals(400, status(twice));
    }

    @Test
    void anotherVersionIs426NamingVersion13() {
        HandshakeCheck.Failure f = HandshakeCheck.check(request("GET", "HTTP/1.1", with("Sec-WebSocket-Version", "8")));
        assertEquals(426, f.refusal().status());
        assertEquals("Sec-WebSocket-Version", f.refusal().headers().get(0).name());
        assertEquals("13", f.refusal().headers().get(0).value());
        assertEquals(426, status(with("Sec-WebSocket-Version", null)));
    }

    @Test
    void noConnectionUpgradeIs400() {
        assertEquals(400, status(with("Connection", null)));
        assertEquals(400, status(with("Connection", "keep-alive")));
        // A token, not a substring: "upgraded" is not "upgrade".
        assertEquals(400, status(with("Connection", "upgraded")));
    }

    @Test
    void aMissingRepeatedOrMalformedHostIs400() {
        assertEquals(400, status(with("Host", null)));
        assertEquals(400, status(with("Host", "a b")));
        assertEquals(400, status(with("Host", "evil\r\nX-Injected: 1")));
        assertEquals(400, status(with("Host", "exa\"mple")));
        List<Map.Entry<String, String>> twice = good();
        twice.add(new AbstractMap.SimpleImmutableEntry<>("Host", "other"));
        assertEquals(400, status(twice));
    }

    @Test
    void hostNamesIpLiteralsAndPortsAreValidHosts() {
        assertTrue(HostHeader.valid("example.com:8080"));
        assertTrue(HostHeader.valid("[::1]:8080"));
        assertTrue(HostHeader.valid("xn--bcher-kva.example"));
        assertTrue(HostHeader.valid(""));
        assertFalse(HostHeader.valid("bücher.example"));
        assertFalse(HostHeader.valid("a\tb"));
        assertFalse(HostHeader.valid("<script>"));
    }
}
