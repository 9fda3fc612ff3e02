package org.sockstack.drivers.fault;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.testing.Hex;
import org.sockstack.stack.wire.MacAddress;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Fixtures captured from the Linux kernel: two network namespaces joined by a veth pair
 * (192.0.2.1/24 + 2001:db8::1/64 and 192.0.2.2/24 + 2001:db8::2/64), {@code ping -c1 192.0.2.2}
 * and {@code ping -6 -c1 2001:db8::2} from the first, recorded with
 * {@code tcpdump -i simnetvb -w simnet.pcap} and dumped with {@code tcpdump -r simnet.pcap -xx}.
 */
class TracingDeviceTest {
    /** ARP request: who-has 192.0.2.2 tell 192.0.2.1. */
    static final String ARP_REQUEST = "ffffffffffff4279d5fb3a6308060001 080006040001 4279d5fb3a63 c0000201"
            + " 000000000000 c0000202";
    /** ICMP echo reply 192.0.2.2 > 192.0.2.1. */
    static final String ICMP_ECHO_REPLY = "4279d5fb3a639a9bbf486f6e08004500 00546452000040019253c0000202c000"
            + " 020100003318 3b7400019036056b0000 000032fe0a000000000010111213 1415"
            + " 161718191a1b1c1d1e1f202122232425 262728292a2b2c2d2e2f303132333435 3637";
    /** ICMPv6 echo request 2001:db8::1 > 2001:db8::2. */
    static final String ICMPV6_ECHO_REQUEST = "9a9bbf486f6e4279d5fb3a6386dd600b 727500403a4020010db8000000000000"
            + " 00000000000120010db8000000000000 000000000002800 03c1a3b7500019036"
            + " 056b000000004d0b0b00000000001011 12131415161718191a1b1c1d1e1f2021"
            + " 22232425262728292a2b2c2d2e2f3031 323334353637";

    private final ManualClock clock = new ManualClock(1_000_000_000_123L);
    private final List<String> lines = new ArrayList<>();

    private static ByteBuf pooled(String hex) {
        byte[] bytes = Hex.bytes(hex);
        return PooledByteBufAllocator.DEFAULT.buffer(bytes.length).writeBytes(bytes);
    }

    @Test
    void tracesTransmittedArp() {
        ChannelDevice wire = new ChannelDevice("veth0", MacAddress.parse("42:79:d5:fb:3a:63"), 1500);
        try (TracingDevice dev = new TracingDevice(wire, lines::add, clock)) {
            ByteBuf frame = pooled(ARP_REQUEST);
            dev.transmit(frame);
            ByteBuf sent = wire.takeSent();
            assertSame(frame, sent, "the frame passes through unchanged");
            sent.release();
        }
        assertEquals(List.of("1000.000000123 veth0 TX 42 42:79:d5:fb:3a:63 > ff:ff:ff:ff:ff:ff ARP request"
                + " 192.0.2.1 > 192.0.2.2"), lines);
    }

    @Test
    void tracesReceivedIpv4AndIpv6() {
        ChannelDevice wire = new ChannelDevice("veth0", MacAddress.parse("42:79:d5:fb:3a:63"), 1500);
        try (TracingDevice dev = new TracingDevice(wire, lines::add)) {
            wire.inject(pooled(ICMP_ECHO_REPLY));
            wire.inject(pooled(ICMPV6_ECHO_REQUEST));
            assertEquals(2, dev.receive(10, ByteBuf::release));
        }
        assertEquals(List.of(
                "veth0 RX 98 9a:9b:bf:48:6f:6e > 42:79:d5:fb:3a:63 IPv4 192.0.2.2 > 192.0.2.1 proto 1",
                "veth0 RX 118 42:79:d5:fb:3a:63 > 9a:9b:bf:48:6f:6e IPv6 2001:db8::1 > 2001:db8::2 next 58"),
                lines);
    }

    @Test
    void malformedFramesAreReportedNotThrown() {
        ChannelDevice wire = new ChannelDevice("veth0", MacAddress.parse("42:79:d5:fb:3a:63"), 1500);
        try (TracingDevice dev = new TracingDevice(wire, lines::add)) {
            // Shorter than an Ethernet header.
            dev.transmit(pooled("ffffffffffff4279d5fb"));
            // An IEEE 802.3 length field instead of an EtherType (an LLC frame).
            dev.transmit(pooled("0180c20000004279d5fb3a630026 424203000000"));
            // ARP cut short after 8 octets of its 28.
            dev.transmit(pooled(ARP_REQUEST.replace(" ", "").substring(0, 2 * 22)));
            // An EtherType IPv4 header that is only 4 octets long.
            dev.transmit(pooled("9a9bbf486f6e4279d5fb3a630800 45000054"));
            // IPv6 claimed, version nibble says 4.
            dev.transmit(pooled("9a9bbf486f6e4279d5fb3a6386dd" + "45".repeat(40)));
            ByteBuf f;
            while ((f = wire.takeSent()) != null) {
                f.release();
            }
        }
        assertEquals(List.of(
                "veth0 TX 10 malformed (truncated)",
                "veth0 TX 20 42:79:d5:fb:3a:63 > 01:80:c2:00:00:00 malformed (unsupported)",
                "veth0 TX 22 42:79:d5:fb:3a:63 > ff:ff:ff:ff:ff:ff ARP malformed (truncated)",
                "veth0 TX 18 42:79:d5:fb:3a:63 > 9a:9b:bf:48:6f:6e IPv4 malformed (truncated or bad version)",
                "veth0 TX 54 42:79:d5:fb:3a:63 > 9a:9b:bf:48:6f:6e IPv6 malformed (truncated or bad version)"),
                lines);
    }
}
