package io.procsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Addresses as Go writes them (RFC 5952), so REMOTE_ADDR and remote:'...' read as websocketd's do. */
class Ipv6TextTest {
    @Test
    void javasFullFormBecomesTheCanonicalOne() {
        assertEquals("::1", Ipv6Text.canonical("0:0:0:0:0:0:0:1"));
        assertEquals("::", Ipv6Text.canonical("0:0:0:0:0:0:0:0"));
        assertEquals("fe80::1%2", Ipv6Text.canonical("fe80:0:0:0:0:0:0:1%2"));
        assertEquals("2001:db8::1:0:0:1", Ipv6Text.canonical("2001:db8:0:0:1:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", Ipv6Text.canonical("2001:db8:0:1:1:1:1:1"));
        assertEquals("2001:db8::", Ipv6Text.canonical("2001:DB8:0:0:0:0:0:0"));
        assertEquals("::ffff:0:0", Ipv6Text.canonical("0:0:0:0:0:ffff:0:0"));
    }

    @Test
    void ipv4AndCompressedFormsAreLeftAlone() {
        assertEquals("127.0.0.1", Ipv6Text.canonical("127.0.0.1"));
        assertEquals("::1", Ipv6Text.canonical("::1"));
    }
}
