package org.sockstack.stack.wire;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpProtocolTest {
    @Test
    void numbersAndNamesFollowIana() {
        assertEquals("HOPOPT", IpProtocol.name(0));
        assertEquals("ICMP", IpProtocol.name(1));
        assertEquals("IGMP", IpProtocol.name(2));
        assertEquals("TCP", IpProtocol.name(6));
        assertEquals("UDP", IpProtocol.name(17));
        assertEquals("IPv6-Route", IpProtocol.name(43));
        assertEquals("IPv6-Frag", IpProtocol.name(44));
        assertEquals("IPv6-ICMP", IpProtocol.name(58));
        assertEquals("IPv6-NoNxt", IpProtocol.name(59));
        assertEquals("IPv6-Opts", IpProtocol.name(60));
        assertEquals("proto-253", IpProtocol.name(253));
    }

    @Test
    void extensionHeadersAreTheOnesAParserMustStepOver() {
        for (int nh : new int[] {0, 43, 44, 50, 51, 60, 135, 139, 140}) {
            assertTrue(IpProtocol.isIpv6ExtensionHeader(nh), "next header " + nh);
        }
        for (int nh : new int[] {1, 6, 17, 58, 59}) {
            assertFalse(IpProtocol.isIpv6ExtensionHeader(nh), "next header " + nh);
        }
    }
}
