package org.sockstack.spi.namespace.dns;

import org.junit.jupiter.api.Test;
import org.sockstack.spi.namespace.dns.DnsMessage.Question;
import org.sockstack.spi.namespace.dns.DnsMessage.ResourceRecord;
import org.sockstack.stack.testing.Hex;
import org.sockstack.stack.wire.Parsed;
import org.sockstack.stack.wire.WireError;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DNS message codec. The fixtures are what Debian's dnsmasq 2.90 really answered (run in a
 * private namespace as {@code dnsmasq --no-resolv --no-hosts --listen-address=192.0.2.1
 * --bind-interfaces --address=/www.lab.example/192.0.2.7 --address=/v6.lab.example/2001:db8::7
 * --cname=alias.lab.example,www.lab.example --local=/lab.example/}, asked by a python3 UDP socket
 * in a second namespace, the responses printed in hex): they use compression pointers.
 */
class DnsMessageTest {
    /** A www.lab.example, ID 0x1234: one A record, its owner a pointer to the question (c00c). */
    static final String WWW_A = "12348580000100010000000003777777036c6162076578616d706c650000010001"
            + "c00c00010001000000000004c0000207";
    /** AAAA v6.lab.example, ID 0x2345. */
    static final String V6_AAAA = "234585800001000100000000027636036c6162076578616d706c6500001c0001"
            + "c00c001c000100000000001020010db8000000000000000000000007";
    /** A alias.lab.example, ID 0x3456: only the CNAME (dnsmasq does not follow it to an --address name). */
    static final String ALIAS_CNAME = "34568580000100010000000005616c696173036c6162076578616d706c650000010001"
            + "c00c0005000100000000001103777777036c6162076578616d706c6500";
    /** A missing.lab.example, ID 0x4567: NXDOMAIN, no SOA. */
    static final String MISSING_NX = "456781830001000000000000076d697373696e67036c6162076578616d706c650000010001";

    static Parsed<DnsMessage> parse(String hex) {
        byte[] b = Hex.bytes(hex);
        return DnsMessage.parse(b, b.length);
    }

    static Parsed<DnsMessage> parse(byte[] b) {
        return DnsMessage.parse(b, b.length);
    }

    @Test
    void deconstructsDnsmasqAnswerForA() {
        DnsMessage m = parse(WWW_A).value();
        assertEquals(0x1234, m.id());
        assertTrue(m.isResponse());
        assertEquals(0, m.opcode());
        assertFalse(m.truncated());
        assertEquals(DnsMessage.RCODE_NOERROR, m.rcode());
        assertTrue(new Question("www.lab.example", DnsMessage.TYPE_A, DnsMessage.CLASS_IN).matches(m.question()));
        assertEquals(1, m.answers().size());
        ResourceRecord a = m.answers().get(0);
        assertEquals("www.lab.example", a.name());
        assertEquals(DnsMessage.TYPE_A, a.type());
        assertEquals(0, a.ttl());
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 7}, a.address());
    }

    @Test
    void deconstructsAaaaCnameAndNxdomain() {
        DnsMessage v6 = parse(V6_AAAA).value();
        assertEquals(DnsMessage.TYPE_AAAA, v6.answers().get(0).type());
        assertArrayEquals(Hex.bytes("20010db8000000000000000000000007"), v6.answers().get(0).address());

        DnsMessage alias = parse(ALIAS_CNAME).value();
        assertEquals(DnsMessage.TYPE_CNAME, alias.answers().get(0).type());
        assertEquals("alias.lab.example", alias.answers().get(0).name());
        assertEquals("www.lab.example", alias.answers().get(0).target());

        DnsMessage nx = parse(MISSING_NX).value();
        assertEquals(DnsMessage.RCODE_NXDOMAIN, nx.rcode());
        assertTrue(nx.answers().isEmpty());
        assertEquals("missing.lab.example", nx.question().name());
    }

    @Test
    void queryEncodesAsDnsmasqExpects() {
        // The header and question part of the captured answer with QR, RA and ANCOUNT cleared.
        byte[] q = DnsMessage.query(0x1234, "www.lab.example", DnsMessage.TYPE_A).encode();
        assertArrayEquals(Hex.bytes("12340100000100000000000003777777036c6162076578616d706c650000010001"), q);
        assertArrayEquals(q, DnsMessage.query(0x1234, "www.lab.example.", DnsMessage.TYPE_A).encode());
    }

    @Test
    void encodedAnswerParsesBackToTheSameMessage() {
        DnsMessage m = new DnsMessage(7, DnsMessage.FLAG_QR | DnsMessage.FLAG_RD | DnsMessage.RCODE_NXDOMAIN,
                new Question("a.example", DnsMessage.TYPE_AAAA, DnsMessage.CLASS_IN),
                List.of(ResourceRecord.cname("a.example", 60, "b.example"),
                        ResourceRecord.a("b.example", 30, Hex.bytes("20010db8000000000000000000000001"))),
                List.of(ResourceRecord.soa("example", 3600, 120)));
        DnsMessage back = parse(m.encode()).value();
        assertEquals(m.id(), back.id());
        assertEquals(m.flags(), back.flags());
        assertEquals(m.question(), back.question());
        assertEquals("b.example", back.answers().get(0).target());
        assertArrayEquals(m.answers().get(1).address(), back.answers().get(1).address());
        assertEquals(120, back.authorities().get(0).soaMinimum());
        assertEquals(3600, back.authorities().get(0).ttl());
    }

    @Test
    void validNames() {
        assertTrue(DnsMessage.validName("www.lab.example"));
        assertTrue(DnsMessage.validName("www.lab.example."));
        assertFalse(DnsMessage.validName(""));
        assertFalse(DnsMessage.validName("a..b"));
        assertFalse(DnsMessage.validName("x".repeat(64) + ".example"));
        assertFalse(DnsMessage.validName("has space.example"));
        assertFalse(DnsMessage.validName(("a".repeat(63) + ".").repeat(4) + "b"));
        assertTrue(DnsMessage.validName(("a".repeat(62) + ".").repeat(4).substring(0, 251)));
    }

    // ---------------------------------------------------------------- malformed

    @Test
    void shortHeaderIsTruncated() {
        assertEquals(WireError.TRUNCATED, parse("1234858000010001000000").error());
        assertEquals(WireError.TRUNCATED, parse(new byte[0]).error());
    }

    @Test
    void everyTruncationOfARealAnswerIsRejected() {
        for (String hex : List.of(WWW_A, V6_AAAA, ALIAS_CNAME, MISSING_NX)) {
            byte[] b = Hex.bytes(hex);
            for (int len = 0; len < b.length; len++) {
                Parsed<DnsMessage> p = DnsMessage.parse(Arrays.copyOf(b, len), len);
                assertFalse(p.ok(), hex + " cut at " + len);
            }
            assertTrue(DnsMessage.parse(b, b.length).ok());
        }
    }

    @Test
    void pointerToItselfIsALoop() {
        // Question name is a pointer at offset 12 pointing to offset 12.
        assertEquals(WireError.BAD_FIELD, parse("123481800001000000000000c00c00010001").error());
    }

    @Test
    void twoPointersPointingAtEachOtherAreALoop() {
        // Question "a" + a pointer forward to the answer's name, which points back to 12.
        String msg = "123481800001000100000000" + "0161c01400010001" + "c00c00010001000000000004c0000207";
        assertEquals(WireError.BAD_FIELD, parse(msg).error());
        // And the answer name pointing at itself.
        String self = "123481800001000100000000" + "016100" + "00010001" + "c01300010001000000000004c0000207";
        assertEquals(WireError.BAD_FIELD, parse(self).error());
    }

    @Test
    void pointerPastTheEndOrCutInHalf() {
        assertEquals(WireError.TRUNCATED, parse("123481800001000000000000c0").error());
        assertEquals(WireError.BAD_FIELD, parse("123481800001000000000000c3ff00010001").error());
    }

    @Test
    void extendedLabelTypesAreUnsupported() {
        assertEquals(WireError.UNSUPPORTED, parse("1234818000010000000000004161620000010001").error());
        assertEquals(WireError.UNSUPPORTED, parse("1234818000010000000000008161620000010001").error());
    }

    @Test
    void labelRunningPastTheEndIsTruncated() {
        assertEquals(WireError.TRUNCATED, parse("123481800001000000000000056162").error());
    }

    @Test
    void nameLongerThan255OctetsIsRejected() {
        // Five 62-octet labels: 316 octets on the wire.
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            name.append("3e").append("61".repeat(62));
        }
        assertEquals(WireError.BAD_LENGTH, parse("123481800001000000000000" + name + "0000010001").error());
    }

    @Test
    void labelWithADotOrControlCharacterIsRejected() {
        assertEquals(WireError.BAD_FIELD, parse("123481800001000000000000036f2e6b0000010001").error());
        assertEquals(WireError.BAD_FIELD, parse("12348180000100000000000003610a620000010001").error());
    }

    @Test
    void addressWithTheWrongLengthIsRejected() {
        // The A record's RDLENGTH says 5 (and 5 octets follow).
        String msg = WWW_A.substring(0, WWW_A.length() - 12) + "0005c000020700";
        assertEquals(WireError.BAD_LENGTH, parse(msg).error());
        // An AAAA with RDLENGTH 4.
        String v6 = V6_AAAA.substring(0, V6_AAAA.length() - 36) + "0004c0000207";
        assertEquals(WireError.BAD_LENGTH, parse(v6).error());
    }

    @Test
    void cnameWhoseRdlengthDisagreesWithItsNameIsRejected() {
        // RDLENGTH 0x12 instead of 0x11, one extra octet after the name.
        String msg = ALIAS_CNAME.replace("00000000001103777777", "00000000001203777777") + "00";
        assertEquals(WireError.BAD_LENGTH, parse(msg).error());
    }

    @Test
    void rdlengthPastTheEndIsTruncated() {
        String msg = WWW_A.substring(0, WWW_A.length() - 12) + "0010c0000207";
        assertEquals(WireError.TRUNCATED, parse(msg).error());
    }

    @Test
    void answerCountLargerThanTheRecordsIsTruncated() {
        String msg = WWW_A.substring(0, 12) + "0005" + WWW_A.substring(16);
        assertEquals(WireError.TRUNCATED, parse(msg).error());
    }

    @Test
    void moreThanOneQuestionIsUnsupported() {
        assertEquals(WireError.UNSUPPORTED, parse("123481800002000000000000").error());
    }

    @Test
    void noQuestionParsesWithANullQuestion() {
        DnsMessage m = parse("123481820000000000000000").value();
        assertNull(m.question());
        assertEquals(DnsMessage.RCODE_SERVFAIL, m.rcode());
    }

    @Test
    void ttlWithTheTopBitSetReadsAsZero() {
        String topBit = WWW_A.substring(0, WWW_A.length() - 20) + "80000001" + WWW_A.substring(WWW_A.length() - 12);
        assertEquals(0, parse(topBit).value().answers().get(0).ttl());
    }

    @Test
    void mutatedRealAnswersNeverThrow() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1035);
        int rejected = 0;
        for (String hex : List.of(WWW_A, V6_AAAA, ALIAS_CNAME, MISSING_NX)) {
            byte[] good = Hex.bytes(hex);
            for (int i = 0; i < 5000; i++) {
                byte[] b = good.clone();
                for (int flips = 1 + rnd.nextInt(4); flips > 0; flips--) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                if (!DnsMessage.parse(b, b.length).ok()) {
                    rejected++;
                }
            }
        }
        assertTrue(rejected > 1000, "mutations are mostly caught: " + rejected);
    }
}
