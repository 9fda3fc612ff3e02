package org.sockstack.drivers.tap;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.device.FrameOffload;
import org.sockstack.stack.wire.EtherType;

/**
 * The virtio-net header that a TAP device opened with {@code IFF_VNET_HDR} puts in front of
 * every frame, in both directions (Linux {@code include/uapi/linux/virtio_net.h},
 * {@code struct virtio_net_hdr_v1}; virtio spec 1.2 section 5.1.6 "Device Operation"):
 *
 * <pre>
 *  0               1               2               3
 * +---------------+---------------+-------------------------------+
 * |     flags     |   gso_type    |            hdr_len            |
 * +---------------+---------------+-------------------------------+
 * |           gso_size            |          csum_start           |
 * +-------------------------------+-------------------------------+
 * |          csum_offset          |  num_buffers (12-octet form)  |
 * +-------------------------------+-------------------------------+
 * </pre>
 *
 * The 16-bit fields are little-endian here: a TAP device uses the host's byte order unless told
 * otherwise, and {@link TapDevice} asks for little-endian with {@code TUNSETVNETLE}.
 *
 * <p>A mutable flyweight, one per device, so the per-frame path allocates nothing:
 * {@link #decode} fills the fields from a buffer and validates them once against the frame that
 * follows; {@link #encode} writes them back.
 */
public final class VirtioNetHeader {
    /** {@code sizeof(struct virtio_net_hdr)}: without {@code num_buffers}. */
    public static final int LENGTH = 10;
    /** {@code sizeof(struct virtio_net_hdr_v1)} / {@code virtio_net_hdr_mrg_rxbuf}: with {@code num_buffers}. */
    public static final int LENGTH_V1 = 12;

    /** Use csum_start and csum_offset: the L4 checksum is not filled in (holds the pseudo-header sum). */
    public static final int F_NEEDS_CSUM = 1;
    /** The checksum was verified (receive only). */
    public static final int F_DATA_VALID = 2;

    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    /** Flag in gso_type: the TCP segments carry CWR (only with TUN_F_TSO_ECN, which we do not offer). */
    public static final int GSO_ECN = 0x80;

    /** Why a received header was refused (each has a drop counter in {@link TapDevice}). */
    public enum Error {
        OK("ok"),
        /** The read returned fewer octets than a header. */
        TRUNCATED("vnet_truncated"),
        /** A flag we did not negotiate (e.g. RSC_INFO). */
        UNKNOWN_FLAGS("vnet_unknown_flags"),
        /** A gso_type other than NONE, TCPV4 or TCPV6 (UDP/USO are not offered). */
        UNKNOWN_GSO_TYPE("vnet_unknown_gso_type"),
        /** GSO_ECN without TUN_F_TSO_ECN. */
        GSO_ECN_UNSUPPORTED("vnet_gso_ecn"),
        /** A GSO frame with gso_size 0. */
        GSO_SIZE_ZERO("vnet_gso_size_zero"),
        /** hdr_len reaches past the end of the frame. */
        HDR_LEN_BEYOND_FRAME("vnet_hdr_len_beyond_frame"),
        /** csum_start + csum_offset + 2 reaches past the end of the frame. */
        CSUM_BEYOND_FRAME("vnet_csum_beyond_frame");

        private final String reason;

        Error(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    private int flags;
    private int gsoType;
    private int hdrLen;
    private int gsoSize;
    private int csumStart;
    private int csumOffset;
    private int numBuffers;

    /**
     * Reads a header of {@code headerLength} octets ({@link #LENGTH} or {@link #LENGTH_V1}) at
     * {@code offset}, followed by a frame of {@code frameLength} octets, and validates it.
     * {@code available} is how many octets the read returned in all.
     */
    public Error decode(ByteBuf buf, int offset, int headerLength, int available) {
        if (available < headerLength) {
            clear();
            return Error.TRUNCATED;
        }
        flags = buf.getUnsignedByte(offset);
        gsoType = buf.getUnsignedByte(offset + 1);
        hdrLen = buf.getUnsignedShortLE(offset + 2);
        gsoSize = buf.getUnsignedShortLE(offset + 4);
        csumStart = buf.getUnsignedShortLE(offset + 6);
        csumOffset = buf.getUnsignedShortLE(offset + 8);
        numBuffers = headerLength >= LENGTH_V1 ? buf.getUnsignedShortLE(offset + 10) : 0;
        return validate(available - headerLength);
    }

    /** Checks the fields against a frame of {@code frameLength} octets. */
    public Error validate(int frameLength) {
        if ((flags & ~(F_NEEDS_CSUM | F_DATA_VALID)) != 0) {
            return Error.UNKNOWN_FLAGS;
        }
        if ((gsoType & GSO_ECN) != 0) {
            return Error.GSO_ECN_UNSUPPORTED;
        }
        if (gsoType != GSO_NONE && gsoType != GSO_TCPV4 && gsoType != GSO_TCPV6) {
            return Error.UNKNOWN_GSO_TYPE;
        }
        if (gsoType != GSO_NONE) {
            if (gsoSize == 0) {
                return Error.GSO_SIZE_ZERO;
            }
            if (hdrLen > frameLength) {
                return Error.HDR_LEN_BEYOND_FRAME;
            }
        }
        if ((flags & F_NEEDS_CSUM) != 0 && csumStart + csumOffset + 2 > frameLength) {
            return Error.CSUM_BEYOND_FRAME;
        }
        return Error.OK;
    }

    /** Writes the header ({@code headerLength} octets) at {@code offset}. */
    public void encode(ByteBuf buf, int offset, int headerLength) {
        buf.setByte(offset, flags);
        buf.setByte(offset + 1, gsoType);
        buf.setShortLE(offset + 2, hdrLen);
        buf.setShortLE(offset + 4, gsoSize);
        buf.setShortLE(offset + 6, csumStart);
        buf.setShortLE(offset + 8, csumOffset);
        if (headerLength >= LENGTH_V1) {
            buf.setShortLE(offset + 10, numBuffers);
        }
    }

    /** The stack's per-frame flags ({@link FrameOffload}) for a validated received header. */
    public int rxFlags() {
        int f = FrameOffload.NONE;
        if ((flags & (F_NEEDS_CSUM | F_DATA_VALID)) != 0) {
            // NEEDS_CSUM: the frame never left this host and its checksum was never computed
            // (Linux CHECKSUM_PARTIAL); DATA_VALID: the host verified it (CHECKSUM_UNNECESSARY).
            f |= FrameOffload.RX_CHECKSUM_UNNECESSARY;
        }
        if (gsoType != GSO_NONE) {
            f |= FrameOffload.RX_SEGMENTED;
        }
        return f;
    }

    /** All fields zero: a frame with no offload (checksums filled in, fits the MTU). */
    public VirtioNetHeader clear() {
        flags = 0;
        gsoType = GSO_NONE;
        hdrLen = 0;
        gsoSize = 0;
        csumStart = 0;
        csumOffset = 0;
        numBuffers = 0;
        return this;
    }

    /**
     * Describes an outgoing frame. An IPv4/IPv6 TCP frame with more data than
     * {@code segmentSize} (or, when {@code segmentSize} is 0, an IP packet longer than {@code mtu})
     * is a super-frame: GSO TCPV4/TCPV6 with gso_size = the MSS, hdr_len = Ethernet + IP + TCP
     * header, and NEEDS_CSUM at the TCP checksum (csum_offset 16), whose field holds the
     * pseudo-header sum (the kernel's {@code virtio_net_hdr_to_skb} then treats it as
     * CHECKSUM_PARTIAL and its GSO code cuts and checksums each segment). Any other frame gets
     * an all-zero header.
     *
     * @return false if the frame is larger than the MTU and cannot be segmented (the caller drops it)
     */
    public boolean describeTransmit(ByteBuf frame, int segmentSize, int mtu) {
        clear();
        int base = frame.readerIndex();
        int len = frame.readableBytes();
        int eth = 14;
        if (len < eth) {
            return true;
        }
        int etherType = frame.getUnsignedShort(base + 12);
        int l4;
        int ipLength;
        int protocol;
        if (etherType == EtherType.IPV4 && len >= eth + 20) {
            int ihl = (frame.getUnsignedByte(base + eth) & 0x0F) * 4;
            l4 = eth + ihl;
            ipLength = len - eth;
            protocol = frame.getUnsignedByte(base + eth + 9);
            gsoType = GSO_TCPV4;
        } else if (etherType == EtherType.IPV6 && len >= eth + 40) {
            // The stack sends TCP directly after the fixed header (no extension headers).
            l4 = eth + 40;
            ipLength = len - eth;
            protocol = frame.getUnsignedByte(base + eth + 6);
            gsoType = GSO_TCPV6;
        } else {
            gsoType = GSO_NONE;
            return len - eth <= mtu;
        }
        boolean tcp = protocol == 6 && len >= l4 + 20;
        if (!tcp) {
            gsoType = GSO_NONE;
            return ipLength <= mtu;
        }
        int tcpHeader = ((frame.getUnsignedByte(base + l4 + 12) >>> 4) & 0x0F) * 4;
        int payload = len - l4 - tcpHeader;
        int mss = segmentSize > 0 ? segmentSize : mtu - (l4 - eth) - tcpHeader;
        boolean superFrame = segmentSize > 0 ? payload > segmentSize : ipLength > mtu;
        if (!superFrame || mss <= 0) {
            gsoType = GSO_NONE;
            return ipLength <= mtu;
        }
        flags = F_NEEDS_CSUM;
        hdrLen = l4 + tcpHeader;
        gsoSize = mss;
        csumStart = l4;
        csumOffset = 16;
        return true;
    }

    public int flags() {
        return flags;
    }

    public int gsoType() {
        return gsoType;
    }

    public int hdrLen() {
        return hdrLen;
    }

    public int gsoSize() {
        return gsoSize;
    }

    public int csumStart() {
        return csumStart;
    }

    public int csumOffset() {
        return csumOffset;
    }

    public int numBuffers() {
        return numBuffers;
    }

    /** Sets every field (tests and hand-built frames). */
    public VirtioNetHeader set(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        this.flags = flags;
        this.gsoType = gsoType;
        this.hdrLen = hdrLen;
        this.gsoSize = gsoSize;
        this.csumStart = csumStart;
        this.csumOffset = csumOffset;
        this.numBuffers = 0;
        return this;
    }

    @Override
    public String toString() {
        return "virtio_net_hdr[flags=" + flags + " gso_type=" + gsoType + " hdr_len=" + hdrLen + " gso_size=" + gsoSize
                + " csum_start=" + csumStart + " csum_offset=" + csumOffset + "]";
    }
}
