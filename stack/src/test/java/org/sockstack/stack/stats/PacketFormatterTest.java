package org.sockstack.stack.stats;

import org.junit.jupiter.api.Test;
import org.sockstack.stack.testing.Frames;
import org.sockstack.stack.testing.Hex;
import org.sockstack.stack.wire.IpProtocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketFormatterTest {

    @Test
    void describesArpIcmpAndUdpLikeTcpdump() {
        assertEquals("ARP who-has 192.0.2.2 tell 192.0.2.1", PacketFormatter.describe(Hex.buf("""
                ffff ffff ffff 0200 0000 0a01 0806 0001 0800 0604 0001 0200 0000 0a01 c000 0201
                0000 0000 0000 c000 0202""")));
        assertEquals("IP 192.0.2.1 > 192.0.2.2: ICMP echo request, id 7, seq 1, length 16, ttl 64",
                PacketFormatter.describe(Frames.fromPeer(IpProtocol.ICMP, Frames.icmpEcho(8, 7, 1, new byte[8]))));
        String udp = PacketFormatter.describe(Frames.fromPeer(IpProtocol.UDP,
                Frames.udp(org.sockstack.stack.testing.StackHarness.PEER_IP, org.sockstack.stack.testing.StackHarness.STACK_IP,
                        5000, 53, new byte[12])));
        assertEquals("IP 192.0.2.1.5000 > 192.0.2.2.53: UDP, length 12, ttl 64", udp);
    }

    @Test
    void malformedFramesAreDescribedNotThrown() {
        assertTrue(PacketFormatter.describe(Hex.buf("ffff ffff")).startsWith("malformed"));
        assertTrue(PacketFormatter.describe(Hex.buf("ffff ffff ffff 0200 0000 0a01 0800 4500 00")).startsWith("IP ["));
        assertTrue(PacketFormatter.describe(Hex.buf("ffff ffff ffff 0200 0000 0a01 86dd 6000")).startsWith("IP6 ["));
    }
}
