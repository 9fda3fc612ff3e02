package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.wire.TcpFixtures.Fixture;
import org.sockstack.stack.wire.TcpOptions.SackBlock;
import org.sockstack.stack.wire.TcpOptions.Timestamps;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sockstack.stack.wire.TcpFixtures.V4_PSH;
import static org.sockstack.stack.wire.TcpFixtures.V4_SACK2;

/** The reusable (scratch) TcpRepr and TcpOptions the hot path refills instead of allocating. */
class TcpScratchTest {

    static List<Fixture> fixtures() {
        return TcpFixtures.all();
    }

    /** One scratch instance refilled from every fixture reads exactly what a fresh parse reads. */
    @Test
    void parseIntoMatchesParseForEveryKernelSegment() {
        TcpRepr scratch = TcpRepr.scratch();
        for (Fixture f : fixtures()) {
            TcpRepr fresh = TcpRepr.parse(new TcpSegment().wrap(f.buf()), f.pseudoHeaderSum()).value();
            WireError e = TcpRepr.parseInto(new TcpSegment().wrap(f.buf()), true, f.pseudoHeaderSum(), scratch);
            assertEquals(WireError.OK, e, f.name());
            assertEquals(fresh, scratch, f.name());
            assertEquals(fresh.options().sackBlocks(), scratch.options().sackBlocks(), f.name());
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void parseIntoReEmitsByteForByte(Fixture f) {
        byte[] original = f.bytes();
        TcpRepr r = TcpRepr.scratch();
        assertEquals(WireError.OK, TcpRepr.parseInto(new TcpSegment().wrap(f.buf()), true, f.pseudoHeaderSum(), r));
        byte[] out = original.clone();
        ByteBuf buf = Unpooled.wrappedBuffer(out);
        r.emit(buf, 0, f.pseudoHeaderSum());
        assertArrayEquals(original, out, f.name());
    }

    @Test
    void parseIntoRejectsBadChecksumUnlessOffloaded() {
        byte[] b = V4_PSH.bytes();
        b[b.length - 1] ^= 0x55;
        TcpRepr r = TcpRepr.scratch();
        assertEquals(WireError.BAD_CHECKSUM,
                TcpRepr.parseInto(new TcpSegment().wrap(Unpooled.wrappedBuffer(b)), true, V4_PSH.pseudoHeaderSum(), r));
        assertEquals(WireError.OK,
                TcpRepr.parseInto(new TcpSegment().wrap(Unpooled.wrappedBuffer(b)), false, 0, r));
    }

    @Test
    void parseIntoRejectsTruncatedHeader() {
        byte[] b = java.util.Arrays.copyOf(V4_SACK2.bytes(), 19);
        WireError e = TcpRepr.parseInto(new TcpSegment().wrap(Unpooled.wrappedBuffer(b)), false, 0, TcpRepr.scratch());
        assertEquals(false, e.ok());
    }

    /** Options built in a scratch instance equal and emit like the same options built as a value. */
    @Test
    void scratchOptionsEqualValueOptions() {
        TcpOptions value = TcpOptions.data(new Timestamps(7, 9), List.of(new SackBlock(100, 200), new SackBlock(300, 400)));
        TcpOptions scratch = TcpOptions.scratch().setTimestamps(7, 9).addSackBlock(100, 200).addSackBlock(300, 400);
        assertEquals(value, scratch);
        assertEquals(value.bufferLength(), scratch.bufferLength());
        byte[] a = new byte[value.bufferLength()];
        byte[] b = new byte[scratch.bufferLength()];
        value.emit(Unpooled.wrappedBuffer(a), 0);
        scratch.emit(Unpooled.wrappedBuffer(b), 0);
        assertArrayEquals(a, b);
        assertEquals(TcpOptions.NONE, scratch.clear());
        assertEquals(0, scratch.bufferLength());
    }

    /** RFC 2018 / RFC 9293 3.1: with timestamps only three SACK blocks fit in 40 octets. */
    @Test
    void scratchOptionsKeepTheFortyOctetLimit() {
        TcpOptions o = TcpOptions.scratch().setTimestamps(1, 2).addSackBlock(1, 2).addSackBlock(3, 4).addSackBlock(5, 6);
        assertThrows(IllegalArgumentException.class, () -> o.addSackBlock(7, 8));
        assertEquals(40, o.bufferLength());
    }

    /** Values (NONE above all) are never changed by the scratch methods. */
    @Test
    void valuesAreNotMutable() {
        assertThrows(IllegalStateException.class, () -> TcpOptions.NONE.setTimestamps(1, 2));
        assertThrows(IllegalStateException.class, TcpOptions.NONE::clear);
        TcpRepr value = new TcpRepr(1, 2, 3, 4, TcpSegment.ACK, 5, 0, TcpOptions.NONE, 0);
        assertThrows(IllegalStateException.class, () -> value.set(1, 2, 3, 4, 0, 5, 0, null, 0));
        assertThrows(IllegalArgumentException.class,
                () -> TcpRepr.scratch().set(70_000, 2, 3, 4, 0, 5, 0, null, 0), "same range checks as the constructor");
    }
}
