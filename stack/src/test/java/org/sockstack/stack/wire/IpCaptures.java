package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.testing.Hex;

import java.util.Arrays;

/**
 * Frames the Linux kernel sent, captured with tcpdump on a veth pair between two private network
 * namespaces (192.0.2.1 / 2001:db8::1 with MAC 02:00:00:00:0a:01 talking to 192.0.2.2 / 2001:db8::2
 * with MAC 02:00:00:00:0b:02; transmit checksum offload turned off with ethtool so UDP checksums
 * are complete). Each constant is a whole Ethernet frame: the IP header starts at offset 14.
 * The scripts that captured them are in stack/src/test/captures-ip/ (run as root; they create and
 * delete their own namespaces wire-ipA and wire-ipB).
 */
final class IpCaptures {
    /** Where the IP header starts in every fixture. */
    static final int IP = 14;

    private IpCaptures() {
    }

    /** capture.sh: ping -c1 192.0.2.2 (echo request, DF, id 0xc76c, TTL 64). */
    static final String IPV4_ICMP_ECHO = """
            020000000b02020000000a010800  # Ethernet
            4500 0054 c76c 4000 4001 ef38 c000 0201
            c000 0202 0800 1272 25c8 0001 8435 056b
            0000 0000 7751 0000 0000 0000 1011 1213
            1415 1617 1819 1a1b 1c1d 1e1f 2021 2223
            2425 2627 2829 2a2b 2c2d 2e2f 3031 3233
            3435 3637
            """;

    /** capture.sh: ping -c1 -R 192.0.2.2 (IHL 15: NOP, then Record Route with 9 slots, pointer 8). */
    static final String IPV4_RECORD_ROUTE_REQUEST = """
            020000000b02020000000a010800  # Ethernet
            4f00 007c c76d 4000 4001 fafe c000 0201
            c000 0202 0107 2708 c000 0201 0000 0000
            0000 0000 0000 0000 0000 0000 0000 0000
            0000 0000 0000 0000 0000 0000 0800 da65
            25c9 0001 8435 056b 0000 0000 af5c 0000
            0000 0000 1011 1213 1415 1617 1819 1a1b
            1c1d 1e1f 2021 2223 2425 2627 2829 2a2b
            2c2d 2e2f 3031 3233 3435 3637
            """;

    /** capture.sh: the echo reply to ping -R (Record Route pointer 16, then End of Option List). */
    static final String IPV4_RECORD_ROUTE_REPLY = """
            020000000a01020000000b020800  # Ethernet
            4f00 007c 1718 0000 4001 b6f8 c000 0202
            c000 0201 0727 10c0 0002 01c0 0002 02c0
            0002 0200 0000 0000 0000 0000 0000 0000
            0000 0000 0000 0000 0000 0000 0000 e265
            25c9 0001 8435 056b 0000 0000 af5c 0000
            0000 0000 1011 1213 1415 1617 1819 1a1b
            1c1d 1e1f 2021 2223 2425 2627 2829 2a2b
            2c2d 2e2f 3031 3233 3435 3637
            """;

    /** capture2.sh: ping -c1 -s 100 192.0.2.2 over MTU 68 (middle fragment: MF, offset 48). */
    static final String IPV4_FRAGMENT_MIDDLE = """
            020000000b02020000000a010800  # Ethernet
            4500 0044 e311 2006 4001 f39d c000 0201
            c000 0202 2829 2a2b 2c2d 2e2f 3031 3233
            3435 3637 3839 3a3b 3c3d 3e3f 4041 4243
            4445 4647 4849 4a4b 4c4d 4e4f 5051 5253
            5455 5657
            """;

    /** capture2.sh: ping -c1 -s 100 192.0.2.2 over MTU 68 (last fragment: offset 96, 12 octets). */
    static final String IPV4_FRAGMENT_LAST = """
            020000000b02020000000a010800  # Ethernet
            4500 0020 e311 000c 4001 13bc c000 0201
            c000 0202 5859 5a5b 5c5d 5e5f 6061 6263
            """;

    /** capture.sh: ping -c1 -s 3000 192.0.2.2 (last fragment: offset 2960, 48 octets). */
    static final String IPV4_FRAGMENT_LAST_3000 = """
            020000000b02020000000a010800  # Ethernet
            4500 0044 c76e 0172 4001 2dd5 c000 0201
            c000 0202 8889 8a8b 8c8d 8e8f 9091 9293
            9495 9697 9899 9a9b 9c9d 9e9f a0a1 a2a3
            a4a5 a6a7 a8a9 aaab acad aeaf b0b1 b2b3
            b4b5 b6b7
            """;

    /** capture3.sh: ping -c1 -Q 0xb9 -s 8 192.0.2.2 (DSCP 46, ECN 1). */
    static final String IPV4_TOS = """
            020000000b02020000000a010800  # Ethernet
            45b9 0024 da63 4000 4001 dbb8 c000 0201
            c000 0202 0800 c39c 2852 0001 0001 0203
            0405 0607
            """;

    /** capture.sh: echo "hello sockstack" | socat -u - UDP4-SENDTO:192.0.2.2:7777,sourceport=40000. */
    static final String IPV4_UDP = """
            020000000b02020000000a010800  # Ethernet
            4500 002c c8a6 4000 4011 ee16 c000 0201
            c000 0202 9c40 1e61 0018 6669 6865 6c6c
            6f20 736f 636b 7374 6163 6b0a
            """;

    /** capture.sh: echo "hello sockstack v6" | socat -u - UDP6-SENDTO:[2001:db8::2]:7777,sourceport=40001. */
    static final String IPV6_UDP = """
            020000000b02020000000a0186dd  # Ethernet
            6002 741b 001b 1140 2001 0db8 0000 0000
            0000 0000 0000 0001 2001 0db8 0000 0000
            0000 0000 0000 0002 9c41 1e61 001b 0ea5
            6865 6c6c 6f20 736f 636b 7374 6163 6b20
            7636 0a
            """;

    /** capture3.sh: ping -6 -c1 -Q 0xb9 -s 8 2001:db8::2 (traffic class 0xb9, flow label 0xb7275). */
    static final String IPV6_TRAFFIC_CLASS = """
            020000000b02020000000a0186dd  # Ethernet
            6b9b 7275 0010 3a40 2001 0db8 0000 0000
            0000 0000 0000 0001 2001 0db8 0000 0000
            0000 0000 0000 0002 8000 efdb 2853 0001
            0001 0203 0405 0607
            """;

    /** capture.sh: MLDv2 report sent by the kernel when wipA came up (Hop-by-Hop: Router Alert 0, PadN). */
    static final String IPV6_MLD_HOP_BY_HOP = """
            333300000016020000000a0186dd  # Ethernet
            6000 0000 0038 0001 fe80 0000 0000 0000
            0000 00ff fe00 0a01 ff02 0000 0000 0000
            0000 0000 0000 0016 3a00 0502 0000 0100
            8f00 5bec 0000 0002 0400 0000 ff02 0000
            0000 0000 0000 0001 ff00 0a01 0400 0000
            ff02 0000 0000 0000 0000 0001 ff00 0001
            """;

    /** capture.sh / extopts.py: UDP with setsockopt(IPV6_DSTOPTS) = option 0x1e data abcd, PadN. */
    static final String IPV6_DEST_OPTIONS_UDP = """
            020000000b02020000000a0186dd  # Ethernet
            6004 eaf1 0017 3c40 2001 0db8 0000 0000
            0000 0000 0000 0001 2001 0db8 0000 0000
            0000 0000 0000 0002 1100 1e02 abcd 0100
            9c42 1e61 000f 2d60 6473 746f 7074 73
            """;

    /** capture.sh: ping -6 2001:db8:99::1 via "ip -6 route add ... encap seg6 mode inline segs 2001:db8::2" (Routing type 4). */
    static final String IPV6_SEGMENT_ROUTING = """
            020000000b02020000000a0186dd  # Ethernet
            6000 a274 0068 2b40 2001 0db8 0000 0000
            0000 0000 0000 0001 2001 0db8 0000 0000
            0000 0000 0000 0002 3a04 0401 0100 0000
            2001 0db8 0099 0000 0000 0000 0000 0001
            2001 0db8 0000 0000 0000 0000 0000 0002
            8000 566b 2601 0001 8435 056b 0000 0000
            5597 0900 0000 0000 1011 1213 1415 1617
            1819 1a1b 1c1d 1e1f 2021 2223 2425 2627
            2829 2a2b 2c2d 2e2f 3031 3233 3435 3637
            """;

    /** capture.sh: ping -6 -c1 -s 3000 2001:db8::2 (middle fragment: offset 1448, M set). */
    static final String IPV6_FRAGMENT_MIDDLE = """
            020000000b02020000000a0186dd  # Ethernet
            600b 7275 05b0 2c40 2001 0db8 0000 0000
            0000 0000 0000 0001 2001 0db8 0000 0000
            0000 0000 0000 0002 3a00 05a9 0c78 e661
            a0a1 a2a3 a4a5 a6a7 a8a9 aaab acad aeaf
            b0b1 b2b3 b4b5 b6b7 b8b9 babb bcbd bebf
            c0c1 c2c3 c4c5 c6c7 c8c9 cacb cccd cecf
            d0d1 d2d3 d4d5 d6d7 d8d9 dadb dcdd dedf
            e0e1 e2e3 e4e5 e6e7 e8e9 eaeb eced eeef
            f0f1 f2f3 f4f5 f6f7 f8f9 fafb fcfd feff
            0001 0203 0405 0607 0809 0a0b 0c0d 0e0f
            1011 1213 1415 1617 1819 1a1b 1c1d 1e1f
            2021 2223 2425 2627 2829 2a2b 2c2d 2e2f
            3031 3233 3435 3637 3839 3a3b 3c3d 3e3f
            4041 4243 4445 4647 4849 4a4b 4c4d 4e4f
            5051 5253 5455 5657 5859 5a5b 5c5d 5e5f
            6061 6263 6465 6667 6869 6a6b 6c6d 6e6f
            7071 7273 7475 7677 7879 7a7b 7c7d 7e7f
            8081 8283 8485 8687 8889 8a8b 8c8d 8e8f
            9091 9293 9495 9697 9899 9a9b 9c9d 9e9f
            a0a1 a2a3 a4a5 a6a7 a8a9 aaab acad aeaf
            b0b1 b2b3 b4b5 b6b7 b8b9 babb bcbd bebf
            c0c1 c2c3 c4c5 c6c7 c8c9 cacb cccd cecf
            d0d1 d2d3 d4d5 d6d7 d8d9 dadb dcdd dedf
            e0e1 e2e3 e4e5 e6e7 e8e9 eaeb eced eeef
            f0f1 f2f3 f4f5 f6f7 f8f9 fafb fcfd feff
            0001 0203 0405 0607 0809 0a0b 0c0d 0e0f
            1011 1213 1415 1617 1819 1a1b 1c1d 1e1f
            2021 2223 2425 2627 2829 2a2b 2c2d 2e2f
            3031 3233 3435 3637 3839 3a3b 3c3d 3e3f
            4041 4243 4445 4647 4849 4a4b 4c4d 4e4f
            5051 5253 5455 5657 5859 5a5b 5c5d 5e5f
            6061 6263 6465 6667 6869 6a6b 6c6d 6e6f
            7071 7273 7475 7677 7879 7a7b 7c7d 7e7f
            8081 8283 8485 8687 8889 8a8b 8c8d 8e8f
            9091 9293 9495 9697 9899 9a9b 9c9d 9e9f
            a0a1 a2a3 a4a5 a6a7 a8a9 aaab acad aeaf
            b0b1 b2b3 b4b5 b6b7 b8b9 babb bcbd bebf
            c0c1 c2c3 c4c5 c6c7 c8c9 cacb cccd cecf
            d0d1 d2d3 d4d5 d6d7 d8d9 dadb dcdd dedf
            e0e1 e2e3 e4e5 e6e7 e8e9 eaeb eced eeef
            f0f1 f2f3 f4f5 f6f7 f8f9 fafb fcfd feff
            0001 0203 0405 0607 0809 0a0b 0c0d 0e0f
            1011 1213 1415 1617 1819 1a1b 1c1d 1e1f
            2021 2223 2425 2627 2829 2a2b 2c2d 2e2f
            3031 3233 3435 3637 3839 3a3b 3c3d 3e3f
            4041 4243 4445 4647 4849 4a4b 4c4d 4e4f
            5051 5253 5455 5657 5859 5a5b 5c5d 5e5f
            6061 6263 6465 6667 6869 6a6b 6c6d 6e6f
            7071 7273 7475 7677 7879 7a7b 7c7d 7e7f
            8081 8283 8485 8687 8889 8a8b 8c8d 8e8f
            9091 9293 9495 9697 9899 9a9b 9c9d 9e9f
            a0a1 a2a3 a4a5 a6a7 a8a9 aaab acad aeaf
            b0b1 b2b3 b4b5 b6b7 b8b9 babb bcbd bebf
            c0c1 c2c3 c4c5 c6c7 c8c9 cacb cccd cecf
            d0d1 d2d3 d4d5 d6d7 d8d9 dadb dcdd dedf
            e0e1 e2e3 e4e5 e6e7 e8e9 eaeb eced eeef
            f0f1 f2f3 f4f5 f6f7 f8f9 fafb fcfd feff
            0001 0203 0405 0607 0809 0a0b 0c0d 0e0f
            1011 1213 1415 1617 1819 1a1b 1c1d 1e1f
            2021 2223 2425 2627 2829 2a2b 2c2d 2e2f
            3031 3233 3435 3637 3839 3a3b 3c3d 3e3f
            4041 4243 4445 4647 4849 4a4b 4c4d 4e4f
            5051 5253 5455 5657 5859 5a5b 5c5d 5e5f
            6061 6263 6465 6667 6869 6a6b 6c6d 6e6f
            7071 7273 7475 7677 7879 7a7b 7c7d 7e7f
            8081 8283 8485 8687 8889 8a8b 8c8d 8e8f
            9091 9293 9495 9697 9899 9a9b 9c9d 9e9f
            a0a1 a2a3 a4a5 a6a7 a8a9 aaab acad aeaf
            b0b1 b2b3 b4b5 b6b7 b8b9 babb bcbd bebf
            c0c1 c2c3 c4c5 c6c7 c8c9 cacb cccd cecf
            d0d1 d2d3 d4d5 d6d7 d8d9 dadb dcdd dedf
            e0e1 e2e3 e4e5 e6e7 e8e9 eaeb eced eeef
            f0f1 f2f3 f4f5 f6f7 f8f9 fafb fcfd feff
            0001 0203 0405 0607 0809 0a0b 0c0d 0e0f
            1011 1213 1415 1617 1819 1a1b 1c1d 1e1f
            2021 2223 2425 2627 2829 2a2b 2c2d 2e2f
            3031 3233 3435 3637 3839 3a3b 3c3d 3e3f
            4041 4243 4445 4647 4849 4a4b 4c4d 4e4f
            5051 5253 5455 5657 5859 5a5b 5c5d 5e5f
            6061 6263 6465 6667 6869 6a6b 6c6d 6e6f
            7071 7273 7475 7677 7879 7a7b 7c7d 7e7f
            8081 8283 8485 8687 8889 8a8b 8c8d 8e8f
            9091 9293 9495 9697 9899 9a9b 9c9d 9e9f
            a0a1 a2a3 a4a5 a6a7 a8a9 aaab acad aeaf
            b0b1 b2b3 b4b5 b6b7 b8b9 babb bcbd bebf
            c0c1 c2c3 c4c5 c6c7 c8c9 cacb cccd cecf
            d0d1 d2d3 d4d5 d6d7 d8d9 dadb dcdd dedf
            e0e1 e2e3 e4e5 e6e7 e8e9 eaeb eced eeef
            f0f1 f2f3 f4f5 f6f7 f8f9 fafb fcfd feff
            0001 0203 0405 0607 0809 0a0b 0c0d 0e0f
            1011 1213 1415 1617 1819 1a1b 1c1d 1e1f
            2021 2223 2425 2627 2829 2a2b 2c2d 2e2f
            3031 3233 3435 3637 3839 3a3b 3c3d 3e3f
            4041 4243 4445 4647
            """;

    /** capture.sh: ping -6 -c1 -s 3000 2001:db8::2 (last fragment: offset 2896, M clear). */
    static final String IPV6_FRAGMENT_LAST = """
            020000000b02020000000a0186dd  # Ethernet
            600b 7275 0078 2c40 2001 0db8 0000 0000
            0000 0000 0000 0001 2001 0db8 0000 0000
            0000 0000 0000 0002 3a00 0b50 0c78 e661
            4849 4a4b 4c4d 4e4f 5051 5253 5455 5657
            5859 5a5b 5c5d 5e5f 6061 6263 6465 6667
            6869 6a6b 6c6d 6e6f 7071 7273 7475 7677
            7879 7a7b 7c7d 7e7f 8081 8283 8485 8687
            8889 8a8b 8c8d 8e8f 9091 9293 9495 9697
            9899 9a9b 9c9d 9e9f a0a1 a2a3 a4a5 a6a7
            a8a9 aaab acad aeaf b0b1 b2b3 b4b5 b6b7
            """;

    /** The fixture as a buffer (unpooled, wraps a fresh array: tests may modify it). */
    static ByteBuf frame(String hex) {
        return Hex.buf(hex);
    }

    /** Octets [from, to) of the fixture. */
    static byte[] bytes(String hex, int from, int to) {
        return Arrays.copyOfRange(Hex.bytes(hex), from, to);
    }

    /** Octets from {@code from} to the end of the fixture. */
    static byte[] bytes(String hex, int from) {
        byte[] all = Hex.bytes(hex);
        return Arrays.copyOfRange(all, from, all.length);
    }

    /** A zeroed buffer for emit tests (unpooled, nothing to release). */
    static ByteBuf zeroed(int length) {
        return Unpooled.wrappedBuffer(new byte[length]);
    }

    /** The readable octets of a buffer region. */
    static byte[] read(ByteBuf buf, int from, int length) {
        byte[] out = new byte[length];
        buf.getBytes(from, out);
        return out;
    }
}
