package org.sockstack.testbed.bench;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sockstack.stack.wire.TcpSegment;
import org.sockstack.stack.wire.WireError;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the benchmark's measured methods once on its fixture, so the benchmark cannot silently time
 * a frame the stack would drop. No timing is checked.
 */
class WireParseBenchmarkTest {

    private static WireParseBenchmark setUp(String kind) {
        WireParseBenchmark bench = new WireParseBenchmark();
        bench.buffer = kind;
        bench.setUp();
        return bench;
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "pooledDirect"})
    void parseFrameAcceptsTheFixtureAndReadsEveryField(String kind) {
        WireParseBenchmark bench = setUp(kind);
        try {
            assertEquals(TcpFrameFixture.FRAME_LENGTH, bench.frame().readableBytes());
            assertEquals(1514, TcpFrameFixture.FRAME_LENGTH);
            assertEquals(WireError.OK, bench.parseFrame());
            Ipv4TcpReceiveParser p = bench.parser();
            assertEquals(TcpFrameFixture.SRC_ADDR.bits(), p.srcAddr);
            assertEquals(TcpFrameFixture.DST_ADDR.bits(), p.dstAddr);
            assertEquals(TcpFrameFixture.SRC_PORT, p.srcPort);
            assertEquals(TcpFrameFixture.DST_PORT, p.dstPort);
            assertEquals(TcpFrameFixture.SEQ, p.seqNumber);
            assertEquals(TcpFrameFixture.ACK, p.ackNumber);
            assertEquals(TcpSegment.PSH | TcpSegment.ACK, p.flags);
            assertEquals(TcpFrameFixture.WINDOW, p.window);
            assertTrue(p.hasTimestamps);
            assertEquals(TcpFrameFixture.TS_VAL, p.tsVal);
            assertEquals(TcpFrameFixture.TS_ECR, p.tsEcr);
            assertEquals(0, p.sackBlocks);
            assertEquals(14 + 20 + 32, p.payloadOffset - bench.frame().readerIndex());
            assertEquals(1448, p.payloadLength);
        } finally {
            bench.tearDown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "pooledDirect"})
    void checksum1460MatchesAPlainRfc1071Sum(String kind) {
        WireParseBenchmark bench = setUp(kind);
        try {
            byte[] frame = TcpFrameFixture.frame();
            int tcpAt = 14 + 20;
            assertEquals(naiveChecksum(frame, tcpAt, WireParseBenchmark.CHECKSUM_LENGTH), bench.checksum1460());
        } finally {
            bench.tearDown();
        }
    }

    /** Offsets into the frame: IPv4 TTL, TCP sequence number, last data octet. */
    @ParameterizedTest
    @ValueSource(ints = {14 + 8, 14 + 20 + 4, 1513})
    void aCorruptedOctetIsRejectedByAChecksum(int at) {
        WireParseBenchmark bench = setUp("pooledDirect");
        try {
            ByteBuf frame = bench.frame();
            frame.setByte(at, frame.getByte(at) ^ 0x10);
            assertEquals(WireError.BAD_CHECKSUM, bench.parseFrame());
        } finally {
            bench.tearDown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "pooledDirect"})
    void setUpFailsForAnUnknownBufferKind(String kind) {
        WireParseBenchmark bench = new WireParseBenchmark();
        bench.buffer = kind + "X";
        assertThrows(IllegalArgumentException.class, bench::setUp);
    }

    /** RFC 1071 section 1, one 16-bit word at a time: independent of InternetChecksum. */
    private static int naiveChecksum(byte[] b, int from, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int hi = b[from + i] & 0xFF;
            int lo = i + 1 < length ? b[from + i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
