package org.sockstack.spi.namespace.dns;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** RFC 1035 section 3.5 and RFC 3596 section 2.5 names, both ways. */
class ReverseNameTest {
    static byte[] ip(String s) throws Exception {
        return InetAddress.getByName(s).getAddress();
    }

    @Test
    void ipv4OctetsLowestFirstUnderInAddrArpa() throws Exception {
        assertEquals("7.2.0.192.in-addr.arpa", ReverseName.of(ip("192.0.2.7")));
        assertEquals("255.100.51.198.in-addr.arpa", ReverseName.of(ip("198.51.100.255")));
        assertArrayEquals(ip("192.0.2.7"), ReverseName.address("7.2.0.192.IN-ADDR.ARPA."));
    }

    @Test
    void ipv6NibblesLowestFirstUnderIp6Arpa() throws Exception {
        // RFC 3596 section 2.5's own example is 4321:0:1:2:3:4:567:89ab.
        String example = "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa";
        assertEquals(example, ReverseName.of(ip("4321:0:1:2:3:4:567:89ab")));
        assertArrayEquals(ip("4321:0:1:2:3:4:567:89ab"), ReverseName.address(example.toUpperCase()));
        byte[] a = ip("2001:db8::7");
        assertArrayEquals(a, ReverseName.address(ReverseName.of(a)));
    }

    @Test
    void otherNamesAreNotReverseNames() {
        assertNull(ReverseName.address("www.example"));
        assertNull(ReverseName.address(null));
        assertNull(ReverseName.address("2.0.192.in-addr.arpa"), "a zone, not an address");
        assertNull(ReverseName.address("256.2.0.192.in-addr.arpa"));
        assertNull(ReverseName.address("+7.2.0.192.in-addr.arpa"));
        assertNull(ReverseName.address("0007.2.0.192.in-addr.arpa"));
        assertNull(ReverseName.address(".2.0.192.in-addr.arpa"));
        assertNull(ReverseName.address("b.a.9.8.ip6.arpa"), "too few nibbles");
        assertNull(ReverseName.address(
                "g.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa"), "not hexadecimal");
        assertNull(ReverseName.address(
                "ba.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.0.ip6.arpa"), "two digits in a label");
    }
}
