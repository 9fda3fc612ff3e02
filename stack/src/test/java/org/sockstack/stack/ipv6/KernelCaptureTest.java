package org.sockstack.stack.ipv6;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.neighbor.NeighborState;
import org.sockstack.stack.testing.Hex;
import org.sockstack.stack.testing.StackHarness;
import org.sockstack.stack.wire.Icmpv6Packet;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv6FragmentHeader;
import org.sockstack.stack.wire.Ipv6Packet;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.ipv6.V6.PEER;
import static org.sockstack.stack.ipv6.V6.STACK;
import static org.sockstack.stack.testing.StackHarness.PEER_MAC;

/**
 * Frames the Linux kernel really sent, fed to the stack. Captured on a veth pair between two
 * private namespaces: side A 02:00:00:00:00:01 with 2001:db8::1/64 (nodad), side B
 * 02:00:00:00:00:02 with 2001:db8::2/64 (nodad), recorded on B with
 * {@code tcpdump -i ipv6vB 'ip6 and src host 2001:db8::1'} while A ran
 * {@code ping -6 -c 1 2001:db8::2} and {@code ping -6 -c 1 -s 3000 -p 5a 2001:db8::2}.
 * The harness stack has B's MAC and address, so these frames are addressed to it.
 */
class KernelCaptureTest {
    /** The kernel resolves 2001:db8::2: multicast NS to ff02::1:ff00:2 with its link-layer address. */
    static final String NS = "3333ff00000202000000000186dd6000000000203aff20010db8000000000000000000000001ff02000000"
            + "00000000000001ff00000287001c270000000020010db80000000000000000000000020101020000000001";
    /** ping -6 -c 1: Echo Request id 28612 seq 1, 56 data octets. */
    static final String ECHO = "02000000000202000000000186dd600b727500403a4020010db80000000000000000000000012001"
            + "0db800000000000000000000000280002a326fc40001243d056b00000000939d0e0000000000101112131415161718191a"
            + "1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637";
    /** ping -6 -s 3000 -p 5a: three fragments (0|1448, 1448|1448, 2896|112); the data is 0x5a after the headers. */
    static final String FRAG1 = "02000000000202000000000186dd600b727505b02c4020010db8000000000000000000000001200"
            + "10db80000000000000000000000023a000001a9e2978a8000bad66fc50001243d056b000000001fb40e0000000000"
            + "5a".repeat(1424);
    static final String FRAG2 = "02000000000202000000000186dd600b727505b02c4020010db8000000000000000000000001200"
            + "10db80000000000000000000000023a0005a9a9e2978a" + "5a".repeat(1448);
    static final String FRAG3 = "02000000000202000000000186dd600b727500782c4020010db8000000000000000000000001200"
            + "10db80000000000000000000000023a000b50a9e2978a" + "5a".repeat(112);
    /** The kernel's solicited NA for its own 2001:db8::1 (unicast, no target link-layer option). */
    static final String NA = "02000000000202000000000186dd6000000000183aff20010db8000000000000000000000001fe8000"
            + "0000000000000000fffe0000028800deb54000000020010db8000000000000000000000001";

    private StackHarness h;

    @BeforeEach
    void setUp() {
        h = V6.harness();
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** RFC 4861 7.2.4: the kernel's solicitation is answered with a solicited, overriding NA. */
    @Test
    void kernelNeighborSolicitationIsAnswered() {
        h.inject(Hex.buf(NS));
        List<ByteBuf> sent = h.sent();
        try {
            assertEquals(1, sent.size());
            assertEquals(PEER_MAC.bits(), V6.dstMac(sent.get(0)));
            Icmpv6Packet na = V6.icmpv6Of(sent.get(0));
            assertEquals(Icmpv6Packet.TYPE_NEIGHBOR_ADVERTISEMENT, na.msgType());
            assertTrue(na.solicitedFlag() && na.overrideFlag());
            assertEquals(PEER, V6.dst(V6.ipv6Of(sent.get(0))));
        } finally {
            StackHarness.releaseAll(sent);
        }
    }

    /** RFC 4443 4.2: the kernel's echo request comes back with the same identifier, sequence and data. */
    @Test
    void kernelEchoRequestIsAnswered() {
        h.inject(Hex.buf(ECHO));
        List<ByteBuf> sent = h.sent();
        try {
            assertEquals(1, sent.size());
            Icmpv6Packet reply = V6.icmpv6Of(sent.get(0));
            assertEquals(Icmpv6Packet.TYPE_ECHO_REPLY, reply.msgType());
            assertEquals(28612, reply.identifier());
            assertEquals(1, reply.sequenceNumber());
            assertEquals(64, reply.length());
            assertEquals(STACK, V6.src(V6.ipv6Of(sent.get(0))));
        } finally {
            StackHarness.releaseAll(sent);
        }
    }

    /** RFC 8200 4.5: the kernel's three fragments are reassembled and the 3008-octet reply fragmented. */
    @Test
    void kernelFragmentedEchoIsReassembled() {
        h.inject(Hex.buf(FRAG1));
        h.inject(Hex.buf(FRAG2));
        h.inject(Hex.buf(FRAG3));
        List<ByteBuf> sent = h.sent();
        try {
            assertEquals(3, sent.size());
            int total = 0;
            for (ByteBuf f : sent) {
                Ipv6Packet ip = V6.ipv6Of(f);
                Ipv6FragmentHeader fh = new Ipv6FragmentHeader().wrap(f, ip.payloadOffset(), ip.payloadLength());
                assertEquals(IpProtocol.ICMPV6, fh.nextHeader());
                total += fh.payloadLength();
            }
            assertEquals(3008, total);
            assertEquals(1, h.stack.counters().get("ipv6.reassembly.ok"));
        } finally {
            StackHarness.releaseAll(sent);
        }
    }

    /** RFC 4861 7.2.5: a solicited NA without a link-layer option confirms the known entry. */
    @Test
    void kernelAdvertisementConfirmsReachability() {
        assertEquals(NeighborState.STALE, h.stack.ndp(h.iface).cache().entry(PEER).state());
        h.inject(Hex.buf(NA));
        assertEquals(NeighborState.REACHABLE, h.stack.ndp(h.iface).cache().entry(PEER).state());
        assertEquals(PEER_MAC.bits(), h.stack.ndp(h.iface).cache().entry(PEER).mac());
    }
}
