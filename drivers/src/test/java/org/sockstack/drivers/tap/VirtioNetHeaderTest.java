package org.sockstack.drivers.tap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.device.FrameOffload;
import org.sockstack.stack.testing.Hex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VirtioNetHeaderTest {
    /*
     * Kernel-captured: a TAP device opened with IFF_TAP|IFF_NO_PI|IFF_VNET_HDR, TUNSETVNETHDRSZ 12,
     * TUNSETOFFLOAD TUN_F_CSUM|TUN_F_TSO4|TUN_F_TSO6, in a private namespace (Linux 6.18); the
     * kernel (192.0.2.1) ran `head -c 200000 /dev/zero | nc 192.0.2.2 9` against a minimal
     * responder that answered ARP and the SYN (MSS 1460). Each line: the 12-octet header, the
     * frame length that followed, and the frame's Ethernet/IPv4/TCP headers.
     */
    /** A 7354-octet TSO super-frame: NEEDS_CSUM, TCPV4, hdr_len 54, gso_size 1460, csum 34/16. */
    static final String GSO_HEADER = "01013600b405220010000000";
    static final int GSO_FRAME_LENGTH = 7354;
    static final String GSO_FRAME_HEADERS = "02aabbccdd02863ea393c1b6080045001cac2f7f400040066ac9c0000201c0000202"
            + "ccd200096c7c15d2000003e95018faf0a0a20000";
    /** The handshake's final ACK (54 octets): NEEDS_CSUM, no GSO. */
    static final String ACK_HEADER = "010000000000220010000000";
    static final int ACK_FRAME_LENGTH = 54;

    private final VirtioNetHeader h = new VirtioNetHeader();

    /** The header followed by {@code frameLength} octets of frame (headers from the fixture, zero payload). */
    private static ByteBuf read(String header, int frameLength, String frameHeaders) {
        byte[] hdr = Hex.bytes(header);
        byte[] all = new byte[hdr.length + frameLength];
        System.arraycopy(hdr, 0, all, 0, hdr.length);
        byte[] fh = Hex.bytes(frameHeaders);
        System.arraycopy(fh, 0, all, hdr.length, Math.min(fh.length, frameLength));
        return Unpooled.wrappedBuffer(all);
    }

    @Test
    void decodesTheKernelsTsoSuperFrameHeader() {
        ByteBuf b = read(GSO_HEADER, GSO_FRAME_LENGTH, GSO_FRAME_HEADERS);
        assertEquals(VirtioNetHeader.Error.OK, h.decode(b, 0, VirtioNetHeader.LENGTH_V1, b.readableBytes()));
        assertEquals(VirtioNetHeader.F_NEEDS_CSUM, h.flags());
        assertEquals(VirtioNetHeader.GSO_TCPV4, h.gsoType());
        assertEquals(54, h.hdrLen());
        assertEquals(1460, h.gsoSize());
        assertEquals(34, h.csumStart());
        assertEquals(16, h.csumOffset());
        assertEquals(0, h.numBuffers());
        assertEquals(FrameOffload.RX_CHECKSUM_UNNECESSARY | FrameOffload.RX_SEGMENTED, h.rxFlags());
        // 5 segments of 1460 plus the 54 octets of headers.
        assertEquals(GSO_FRAME_LENGTH, 54 + 5 * 1460);
    }

    @Test
    void decodesAPartialChecksumWithoutGso() {
        ByteBuf b = read(ACK_HEADER, ACK_FRAME_LENGTH, GSO_FRAME_HEADERS);
        assertEquals(VirtioNetHeader.Error.OK, h.decode(b, 0, VirtioNetHeader.LENGTH_V1, b.readableBytes()));
        assertEquals(VirtioNetHeader.GSO_NONE, h.gsoType());
        assertEquals(FrameOffload.RX_CHECKSUM_UNNECESSARY, h.rxFlags());
    }

    @Test
    void encodeWritesBackTheKernelsBytes() {
        ByteBuf b = read(GSO_HEADER, GSO_FRAME_LENGTH, GSO_FRAME_HEADERS);
        h.decode(b, 0, VirtioNetHeader.LENGTH_V1, b.readableBytes());
        ByteBuf out = Unpooled.wrappedBuffer(new byte[12]);
        h.encode(out, 0, VirtioNetHeader.LENGTH_V1);
        assertEquals(GSO_HEADER, Hex.of(out));
        ByteBuf shortForm = Unpooled.wrappedBuffer(new byte[10]);
        h.encode(shortForm, 0, VirtioNetHeader.LENGTH);
        assertEquals(GSO_HEADER.substring(0, 20), Hex.of(shortForm));
    }

    @Test
    void tenOctetHeadersDecodeToo() {
        ByteBuf b = read(GSO_HEADER.substring(0, 20), GSO_FRAME_LENGTH, GSO_FRAME_HEADERS);
        assertEquals(VirtioNetHeader.Error.OK, h.decode(b, 0, VirtioNetHeader.LENGTH, b.readableBytes()));
        assertEquals(1460, h.gsoSize());
    }

    // ---- malformed: each refused with its own reason

    private VirtioNetHeader.Error decodeHeader(String header, int frameLength) {
        ByteBuf b = read(header, frameLength, GSO_FRAME_HEADERS);
        return h.decode(b, 0, VirtioNetHeader.LENGTH_V1, b.readableBytes());
    }

    @Test
    void truncatedReadIsRefused() {
        ByteBuf b = Unpooled.wrappedBuffer(Hex.bytes("0101360000"));
        assertEquals(VirtioNetHeader.Error.TRUNCATED, h.decode(b, 0, VirtioNetHeader.LENGTH_V1, b.readableBytes()));
    }

    @Test
    void unknownFlagIsRefused() {
        // RSC_INFO (4) was never negotiated.
        assertEquals(VirtioNetHeader.Error.UNKNOWN_FLAGS, decodeHeader("05013600b405220010000000", GSO_FRAME_LENGTH));
    }

    @Test
    void unknownGsoTypesAreRefused() {
        // UDP (UFO, 3) and UDP_L4 (USO, 5) were not offered; 2 is unassigned.
        assertEquals(VirtioNetHeader.Error.UNKNOWN_GSO_TYPE, decodeHeader("01033600b405220010000000", GSO_FRAME_LENGTH));
        assertEquals(VirtioNetHeader.Error.UNKNOWN_GSO_TYPE, decodeHeader("01053600b405220010000000", GSO_FRAME_LENGTH));
        assertEquals(VirtioNetHeader.Error.UNKNOWN_GSO_TYPE, decodeHeader("01023600b405220010000000", GSO_FRAME_LENGTH));
    }

    @Test
    void gsoEcnIsRefused() {
        assertEquals(VirtioNetHeader.Error.GSO_ECN_UNSUPPORTED,
                decodeHeader("01813600b405220010000000", GSO_FRAME_LENGTH));
    }

    @Test
    void gsoWithoutSegmentSizeIsRefused() {
        assertEquals(VirtioNetHeader.Error.GSO_SIZE_ZERO, decodeHeader("010136000000220010000000", GSO_FRAME_LENGTH));
    }

    @Test
    void hdrLenBeyondTheFrameIsRefused() {
        // hdr_len 0x1cbb = 7355, one past the 7354-octet frame.
        assertEquals(VirtioNetHeader.Error.HDR_LEN_BEYOND_FRAME,
                decodeHeader("0101bb1cb405220010000000", GSO_FRAME_LENGTH));
        assertEquals(VirtioNetHeader.Error.OK, decodeHeader("0101ba1cb405220010000000", GSO_FRAME_LENGTH));
    }

    @Test
    void checksumBeyondTheFrameIsRefused() {
        // csum_start 34 + csum_offset 16 + 2 = 52 > a 51-octet frame; 52 fits exactly.
        assertEquals(VirtioNetHeader.Error.CSUM_BEYOND_FRAME, decodeHeader(ACK_HEADER, 51));
        assertEquals(VirtioNetHeader.Error.OK, decodeHeader(ACK_HEADER, 52));
    }

    // ---- transmit: describing the stack's frames

    /** The fixture's super-frame headers with the checksum field holding a pseudo-header sum. */
    private static ByteBuf superFrame(int length) {
        byte[] all = new byte[length];
        byte[] fh = Hex.bytes(GSO_FRAME_HEADERS);
        System.arraycopy(fh, 0, all, 0, fh.length);
        ByteBuf b = Unpooled.wrappedBuffer(all);
        b.setShort(14 + 2, length - 14);   // IPv4 total length
        return b;
    }

    @Test
    void describesATsoSuperFrameAsTheKernelDescribesItsOwn() {
        ByteBuf b = superFrame(GSO_FRAME_LENGTH);
        assertTrue(h.describeTransmit(b, 1460, 1500));
        ByteBuf out = Unpooled.wrappedBuffer(new byte[12]);
        h.encode(out, 0, VirtioNetHeader.LENGTH_V1);
        assertEquals(GSO_HEADER, Hex.of(out));
    }

    @Test
    void segmentSizeLostOnTheWayFallsBackToTheMtu() {
        // A decorator that forwards transmit(frame) only: the device derives gso_size from the MTU.
        ByteBuf b = superFrame(GSO_FRAME_LENGTH);
        assertTrue(h.describeTransmit(b, 0, 1500));
        assertEquals(VirtioNetHeader.GSO_TCPV4, h.gsoType());
        assertEquals(1500 - 20 - 20, h.gsoSize());
    }

    @Test
    void ordinaryFramesGetAZeroHeader() {
        ByteBuf b = superFrame(1514);
        assertTrue(h.describeTransmit(b, 0, 1500));
        assertEquals(0, h.flags());
        assertEquals(VirtioNetHeader.GSO_NONE, h.gsoType());
        ByteBuf out = Unpooled.wrappedBuffer(new byte[12]);
        h.encode(out, 0, VirtioNetHeader.LENGTH_V1);
        assertEquals("000000000000000000000000", Hex.of(out));
    }

    @Test
    void oversizeNonTcpFrameIsRefused() {
        ByteBuf b = superFrame(3000);
        b.setByte(14 + 9, 17);   // UDP: no UFO/USO
        assertFalse(h.describeTransmit(b, 0, 1500));
    }
}
