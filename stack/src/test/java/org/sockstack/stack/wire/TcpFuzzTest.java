package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.wire.TcpFixtures.Fixture;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random and mutated segments from a seeded generator: {@code check} and {@code parse} never throw,
 * and whatever they accept can be read completely, printed and re-emitted (DESIGN rule 6).
 */
class TcpFuzzTest {
    private static final int SEGMENTS = 10_000;

    @Test
    void randomAndMutatedSegmentsNeverThrow() {
        Random random = new Random(0x7CB);
        List<Fixture> fixtures = TcpFixtures.all();
        TcpSegment view = new TcpSegment();
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < SEGMENTS; i++) {
            byte[] b = i % 4 == 0 ? randomBytes(random) : mutate(fixtures.get(random.nextInt(fixtures.size())), random);
            int pseudo = random.nextInt(0x10000);
            ByteBuf buf = Unpooled.wrappedBuffer(b);
            WireError e = view.wrap(buf).check();
            Parsed<TcpRepr> p = TcpRepr.parse(view, pseudo);
            Parsed<TcpRepr> unchecked = TcpRepr.parseWithoutChecksum(view);
            if (!e.ok()) {
                rejected++;
                assertEquals(e, p.error(), "parse reports the view's error");
                assertEquals(e, unchecked.error());
                continue;
            }
            accepted++;
            readEverything(view);
            TcpRepr r = unchecked.value();
            assertEmitsWhatItParsed(r, b);
        }
        // Both paths must really have been exercised, or the test proves nothing.
        assertTrue(accepted > 1_000, "accepted " + accepted);
        assertTrue(rejected > 1_000, "rejected " + rejected);
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(80)];
        random.nextBytes(b);
        if (b.length > 12 && random.nextBoolean()) {
            b[12] = (byte) ((5 + random.nextInt(11)) << 4);   // a plausible data offset
        }
        return b;
    }

    /** A kernel segment with a few octets changed, its options reshuffled or its length cut. */
    private static byte[] mutate(Fixture f, Random random) {
        byte[] b = f.bytes();
        int flips = 1 + random.nextInt(4);
        for (int k = 0; k < flips; k++) {
            int at = random.nextInt(b.length);
            // Aim most changes at the data offset and option octets, where parsing decides things.
            if (b.length > 20 && random.nextInt(3) > 0) {
                at = random.nextBoolean() ? 12 : 20 + random.nextInt(b.length - 20);
            }
            b[at] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt(12));
        }
        if (random.nextInt(5) == 0) {
            byte[] cut = new byte[random.nextInt(b.length + 1)];
            System.arraycopy(b, 0, cut, 0, cut.length);
            return cut;
        }
        return b;
    }

    private static void readEverything(TcpSegment s) {
        s.srcPort();
        s.dstPort();
        s.seqNumber();
        s.ackNumber();
        s.reserved();
        s.window();
        s.checksum();
        s.urgentPointer();
        s.mss();
        s.windowScale();
        s.sackPermitted();
        s.tsVal();
        s.tsEcr();
        for (int k = 0; k < s.sackBlockCount(); k++) {
            s.sackLeftEdge(k);
            s.sackRightEdge(k);
        }
        assertTrue(s.payloadLength() >= 0);
        assertTrue(s.segLen() >= 0);
        assertTrue(s.toString().startsWith("TCP "));
    }

    /** The record of an accepted segment emits a header that checks and parses to the same record. */
    private static void assertEmitsWhatItParsed(TcpRepr r, byte[] original) {
        assertTrue(r.toString().startsWith("TCP "));
        byte[] out = new byte[r.tcpLength()];
        System.arraycopy(original, original.length - r.payloadLength(), out, r.headerLength(), r.payloadLength());
        ByteBuf buf = Unpooled.wrappedBuffer(out);
        r.emit(buf, 0, 0x1234);
        TcpSegment again = new TcpSegment().wrap(buf);
        Parsed<TcpRepr> p = TcpRepr.parse(again, 0x1234);
        assertTrue(p.ok(), () -> "re-emitted " + r + ": " + p);
        assertEquals(r, p.value());
    }
}
