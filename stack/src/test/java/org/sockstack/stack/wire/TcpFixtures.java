package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.testing.Hex;

import java.util.List;

/**
 * TCP segments the Linux kernel (6.18) really sent, header and data only (Ethernet and IP headers
 * stripped), with their IP addresses and the line {@code tcpdump -nn -S} printed for them.
 *
 * <p>Captured on a veth pair between two private namespaces (A: 192.0.2.1 / 2001:db8::1,
 * B: 192.0.2.2 / 2001:db8::2) with transmit checksum offload off ({@code ethtool -K IF tx off}),
 * so the checksums are the kernel's own:
 * <pre>
 *   ip netns exec A tcpdump -i wtcpa -w v4.pcap -c 30 tcp
 *   ip netns exec B nc -l 192.0.2.2 5000 &gt;/dev/null
 *   echo "hello sockstack" | ip netns exec A nc -N 192.0.2.2 5000      # SYN .. FIN
 *   ip netns exec A nc 192.0.2.2 5001 &lt;/dev/null                     # RST from a closed port
 *   (the same over 2001:db8::2 for IPv6)
 * </pre>
 * The SACK segments come from sending 2 MB with {@code nc -N} while B dropped 10% (25% for the
 * three-block one) of the incoming data with {@code nft add rule inet wtcp input tcp dport 5000
 * tcp flags & syn == 0 numgen random mod 10 0 drop}; tcpdump's filter picked B's ACKs with long
 * option lists.
 */
final class TcpFixtures {
    private TcpFixtures() {
    }

    static final int V4_A = 0xC000_0201;   // 192.0.2.1
    static final int V4_B = 0xC000_0202;   // 192.0.2.2
    static final Ipv6Address V6_A = Ipv6Address.parse("2001:db8::1");
    static final Ipv6Address V6_B = Ipv6Address.parse("2001:db8::2");

    /** A captured segment: which way it went and what tcpdump said about it. */
    record Fixture(String name, boolean ipv6, boolean fromA, String hex, String tcpdump) {
        ByteBuf buf() {
            return Hex.buf(hex);
        }

        byte[] bytes() {
            return Hex.bytes(hex);
        }

        /** The pseudo-header sum for this segment's addresses and length. */
        int pseudoHeaderSum() {
            int length = bytes().length;
            if (ipv6) {
                return TcpSegment.pseudoHeaderIpv6(fromA ? V6_A : V6_B, fromA ? V6_B : V6_A, length);
            }
            return TcpSegment.pseudoHeaderIpv4(fromA ? V4_A : V4_B, fromA ? V4_B : V4_A, length);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final Fixture V4_SYN = new Fixture("IPv4 SYN", false, true, """
            cd58 1388 5b37 41d3 0000 0000 a002 faf0
            e2bc 0000 0204 05b4 0402 080a 2d12 3b4e
            0000 0000 0103 030a
            """, "52568 > 5000: Flags [S], seq 1530347987, win 64240, options [mss 1460,sackOK,TS val 756169550 ecr 0,nop,wscale 10], length 0");

    static final Fixture V4_SYN_ACK = new Fixture("IPv4 SYN-ACK", false, false, """
            1388 cd58 12c2 27bd 5b37 41d4 a012 fe88
            46db 0000 0204 05b4 0402 080a 3c25 2194
            2d12 3b4e 0103 030a
            """, "5000 > 52568: Flags [S.], seq 314714045, ack 1530347988, win 65160, options [mss 1460,sackOK,TS val 1009066388 ecr 756169550,nop,wscale 10], length 0");

    static final Fixture V4_ACK = new Fixture("IPv4 ACK", false, true, """
            cd58 1388 5b37 41d4 12c2 27be 8010 003f
            73f3 0000 0101 080a 2d12 3b4f 3c25 2194
            """, "52568 > 5000: Flags [.], ack 314714046, win 63, options [nop,nop,TS val 756169551 ecr 1009066388], length 0");

    /** Carries "hello sockstack\n". */
    static final Fixture V4_PSH = new Fixture("IPv4 PSH data", false, true, """
            cd58 1388 5b37 41d4 12c2 27be 8018 003f
            192c 0000 0101 080a 2d12 3b4f 3c25 2194
            6865 6c6c 6f20 736f 636b 7374 6163 6b0a
            """, "52568 > 5000: Flags [P.], seq 1530347988:1530348004, ack 314714046, win 63, options [nop,nop,TS val 756169551 ecr 1009066388], length 16");

    static final Fixture V4_FIN = new Fixture("IPv4 FIN", false, true, """
            cd58 1388 5b37 41e4 12c2 27be 8011 003f
            73e1 0000 0101 080a 2d12 3b4f 3c25 2195
            """, "52568 > 5000: Flags [F.], seq 1530348004, ack 314714046, win 63, options [nop,nop,TS val 756169551 ecr 1009066389], length 0");

    /** B's answer to a SYN for a closed port (RFC 9293 3.10.7.1): RST-ACK, no options. */
    static final Fixture V4_RST = new Fixture("IPv4 RST", false, false, """
            1389 b6e4 0000 0000 4c0c 984f 5014 0000
            7d03 0000
            """, "5001 > 46820: Flags [R.], seq 0, ack 1275893839, win 0, length 0");

    static final Fixture V4_SACK2 = new Fixture("IPv4 ACK with 2 SACK blocks", false, false, """
            1388 d4e2 1ce1 513b 8863 4def d010 0046
            f602 0000 0101 080a 603d dae9 20d7 74f5
            0101 0512 8863 6a37 8863 6fdf 8863 5397
            8863 593f
            """, "5000 > 54498: Flags [.], ack 2288209391, win 70, options [nop,nop,TS val 1614666473 ecr 550991093,nop,nop,sack 2 {2288216631:2288218079}{2288210839:2288212287}], length 0");

    /** The longest header Linux sends: data offset 15, 40 option octets. */
    static final Fixture V4_SACK3 = new Fixture("IPv4 ACK with 3 SACK blocks", false, false, """
            1388 b228 277a 255d 1328 eaa0 f010 002c
            b375 0000 0101 080a 1eff 2b1e d871 b9e9
            0101 051a 1329 19a8 1329 4140 1329 0308
            1329 1400 1328 f5f0 1329 0140
            """, "5000 > 45608: Flags [.], ack 321448608, win 44, options [nop,nop,TS val 520039198 ecr 3631331817,nop,nop,sack 3 {321460648:321470784}{321454856:321459200}{321451504:321454400}], length 0");

    static final Fixture V6_SYN = new Fixture("IPv6 SYN", true, true, """
            9486 1388 29d2 2b8e 0000 0000 a002 fd20
            82c7 0000 0204 05a0 0402 080a c491 aab3
            0000 0000 0103 030a
            """, "38022 > 5000: Flags [S], seq 701639566, win 64800, options [mss 1440,sackOK,TS val 3297880755 ecr 0,nop,wscale 10], length 0");

    static final Fixture V6_SYN_ACK = new Fixture("IPv6 SYN-ACK", true, false, """
            1388 9486 713d eb83 29d2 2b8f a012 fb04
            b711 0000 0204 05a0 0402 080a 0d86 6379
            c491 aab3 0103 030a
            """, "5000 > 38022: Flags [S.], seq 1899883395, ack 701639567, win 64260, options [mss 1440,sackOK,TS val 226911097 ecr 3297880755,nop,wscale 10], length 0");

    static final Fixture V6_ACK = new Fixture("IPv6 ACK", true, true, """
            9486 1388 29d2 2b8f 713d eb84 8010 0040
            e091 0000 0101 080a c491 aab3 0d86 6379
            """, "38022 > 5000: Flags [.], ack 1899883396, win 64, options [nop,nop,TS val 3297880755 ecr 226911097], length 0");

    static final Fixture V6_PSH = new Fixture("IPv6 PSH data", true, true, """
            9486 1388 29d2 2b8f 713d eb84 8018 0040
            85ca 0000 0101 080a c491 aab3 0d86 6379
            6865 6c6c 6f20 736f 636b 7374 6163 6b0a
            """, "38022 > 5000: Flags [P.], seq 701639567:701639583, ack 1899883396, win 64, options [nop,nop,TS val 3297880755 ecr 226911097], length 16");

    static final Fixture V6_FIN = new Fixture("IPv6 FIN", true, true, """
            9486 1388 29d2 2b9f 713d eb84 8011 0040
            e080 0000 0101 080a c491 aab3 0d86 6379
            """, "38022 > 5000: Flags [F.], seq 701639583, ack 1899883396, win 64, options [nop,nop,TS val 3297880755 ecr 226911097], length 0");

    static final Fixture V6_RST = new Fixture("IPv6 RST", true, false, """
            1389 e864 0000 0000 cb97 69ae 5014 0000
            2328 0000
            """, "5001 > 59492: Flags [R.], seq 0, ack 3415697838, win 0, length 0");

    static final Fixture V6_SACK2 = new Fixture("IPv6 ACK with 2 SACK blocks", true, false, """
            1388 aeda 941d a01d bb91 6293 d010 0029
            8fcd 0000 0101 080a a066 693a 7829 cd14
            0101 0512 bb91 7e77 bb91 83bf bb91 6827
            bb91 78e3
            """, "5000 > 44762: Flags [.], ack 3146867347, win 41, options [nop,nop,TS val 2691066170 ecr 2016005396,nop,nop,sack 2 {3146874487:3146875839}{3146868775:3146873059}], length 0");

    static List<Fixture> all() {
        return List.of(V4_SYN, V4_SYN_ACK, V4_ACK, V4_PSH, V4_FIN, V4_RST, V4_SACK2, V4_SACK3,
                V6_SYN, V6_SYN_ACK, V6_ACK, V6_PSH, V6_FIN, V6_RST, V6_SACK2);
    }
}
