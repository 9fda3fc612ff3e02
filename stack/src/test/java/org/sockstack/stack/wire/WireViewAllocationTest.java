package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.wire.IpCaptures.IP;

/** The receive path through the views (check, checksums, option walks) allocates nothing (DESIGN rule 5). */
class WireViewAllocationTest {
    private final ByteBuf rr = IpCaptures.frame(IpCaptures.IPV4_RECORD_ROUTE_REQUEST);
    private final ByteBuf udp4 = IpCaptures.frame(IpCaptures.IPV4_UDP);
    private final ByteBuf mld = IpCaptures.frame(IpCaptures.IPV6_MLD_HOP_BY_HOP);
    private final ByteBuf udp6 = IpCaptures.frame(IpCaptures.IPV6_DEST_OPTIONS_UDP);
    private final ByteBuf srh = IpCaptures.frame(IpCaptures.IPV6_SEGMENT_ROUTING);
    private final ByteBuf frag = IpCaptures.frame(IpCaptures.IPV6_FRAGMENT_LAST);
    private final Ipv4Packet ip4 = new Ipv4Packet();
    private final Ipv6Packet ip6 = new Ipv6Packet();
    private final Ipv6OptionsHeader opts = new Ipv6OptionsHeader();
    private final Ipv6RoutingHeader routing = new Ipv6RoutingHeader();
    private final Ipv6FragmentHeader fragment = new Ipv6FragmentHeader();
    private final UdpPacket u = new UdpPacket();
    private final Ipv4OptionIterator it4 = new Ipv4OptionIterator();
    private final Ipv6OptionIterator it6 = new Ipv6OptionIterator();

    private int walk() {
        int n = 0;
        ip4.wrap(rr, IP, rr.capacity() - IP);
        n += ip4.check().ordinal() + ip4.checkOptions().ordinal() + (ip4.verifyChecksum() ? 1 : 0);
        ip4.options(it4);
        while (it4.next()) {
            n += it4.type();
        }
        ip4.wrap(udp4, IP, udp4.capacity() - IP);
        n += ip4.check().ordinal() + (ip4.verifyChecksum() ? 1 : 0);
        u.wrap(udp4, ip4.payloadOffset(), ip4.payloadLength());
        n += u.check().ordinal() + (u.verifyChecksumIpv4(ip4.srcAddr(), ip4.dstAddr()) ? 1 : 0);

        ip6.wrap(udp6, IP, udp6.capacity() - IP);
        n += ip6.check().ordinal();
        opts.wrap(udp6, ip6.payloadOffset(), ip6.payloadLength());
        n += opts.check().ordinal() + opts.checkOptions().ordinal();
        u.wrap(udp6, opts.payloadOffset(), opts.payloadLength());
        n += u.check().ordinal()
                + (u.verifyChecksumIpv6(ip6.srcAddrHi(), ip6.srcAddrLo(), ip6.dstAddrHi(), ip6.dstAddrLo()) ? 1 : 0);
        opts.wrap(mld, IP + 40, mld.capacity() - IP - 40).options(it6);
        while (it6.next()) {
            n += it6.type();
        }
        n += routing.wrap(srh, IP + 40, srh.capacity() - IP - 40).check().ordinal() + routing.segmentsLeft();
        n += fragment.wrap(frag, IP + 40, frag.capacity() - IP - 40).check().ordinal() + fragment.fragmentOffset();
        return n;
    }

    @Test
    void viewsAllocateNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int expected = walk();
        for (int i = 0; i < 20_000; i++) {
            assertEquals(expected, walk()); // warm up
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        int sum = 0;
        for (int i = 0; i < 10_000; i++) {
            sum += walk();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(expected * 10_000, sum);
        // A few hundred bytes of slack for the measurement itself; any per-packet allocation
        // would cost at least 10,000 * 16 bytes.
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes over 10,000 walks");
    }
}
