package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.sockstack.stack.wire.WireFixtures.*;

/**
 * Bad input is normal input (DESIGN rule 6): random mutations and lengths of every captured
 * ICMPv4, ICMPv6, NDP, MLD and IGMP message must give a record or a WireError, never an
 * exception. Half the mutants get a correct checksum so the checks behind it are reached too.
 */
class IcmpFamilyMutationTest {
    private static final Ipv6Address SRC = Ipv6Address.parse("fe80::1");
    private static final Ipv6Address DST = Ipv6Address.parse("ff02::1");

    @Test
    void mutatedIcmpv4NeverThrows() {
        List<byte[]> seeds = List.of(message(Icmpv4Test.ECHO_REQUEST, ICMPV4), message(Icmpv4Test.REDIRECT, ICMPV4),
                message(Icmpv4Test.FRAGMENTATION_NEEDED, ICMPV4), message(Icmpv4Test.PARAMETER_PROBLEM, ICMPV4));
        Icmpv4Packet view = new Icmpv4Packet();
        run(seeds, 1, b -> {
            fixChecksumSometimes(b, false);
            assertNotNull(Icmpv4Repr.parse(view.wrap(b, 0, b.capacity())).error());
        });
    }

    @Test
    void mutatedIcmpv6NeverThrows() {
        List<byte[]> seeds = List.of(message(Icmpv6Test.ECHO_REQUEST, ICMPV6), message(Icmpv6Test.PORT_UNREACHABLE, ICMPV6),
                message(NdpTest.ROUTER_ADVERTISEMENT, ICMPV6), message(NdpTest.REDIRECT, ICMPV6),
                message(NdpTest.NEIGHBOR_SOLICITATION, ICMPV6), message(MldTest.MLDV2_REPORT_FROM_UNSPECIFIED, MLD),
                message(MldTest.MLDV2_REPORT_WITH_SOURCE, MLD), message(MldTest.MLDV2_QUERY, MLD));
        Icmpv6Packet view = new Icmpv6Packet();
        run(seeds, 2, b -> {
            fixChecksumSometimes(b, true);
            assertNotNull(Icmpv6Repr.parse(view.wrap(b, 0, b.capacity()), SRC, DST).error());
        });
    }

    @Test
    void mutatedIgmpNeverThrows() {
        List<byte[]> seeds = List.of(message(IgmpTest.V3_REPORT_ALLOW, IGMP), message(IgmpTest.V3_QUERY, IGMP),
                message(IgmpTest.V2_REPORT, IGMP));
        IgmpPacket view = new IgmpPacket();
        run(seeds, 3, b -> {
            fixChecksumSometimes(b, false);
            assertNotNull(IgmpRepr.parse(view.wrap(b, 0, b.capacity())).error());
        });
    }

    private final Random random = new Random(0x1c3f);

    private void fixChecksumSometimes(ByteBuf b, boolean ipv6) {
        if (b.capacity() >= 4 && random.nextBoolean()) {
            if (ipv6) {
                fixChecksum(b, SRC, DST);
            } else {
                fixChecksum(b);
            }
        }
    }

    private void run(List<byte[]> seeds, int salt, java.util.function.Consumer<ByteBuf> parse) {
        for (int trial = 0; trial < 4000; trial++) {
            byte[] seed = seeds.get((trial + salt) % seeds.size());
            int length = random.nextInt(4) == 0 ? random.nextInt(seed.length + 1) : seed.length;
            byte[] mutant = java.util.Arrays.copyOf(seed, length);
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips && length > 0; i++) {
                mutant[random.nextInt(length)] = (byte) random.nextInt(256);
            }
            parse.accept(Unpooled.wrappedBuffer(mutant));
        }
    }
}
