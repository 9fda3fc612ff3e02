package org.sockstack.testbed.bench;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.TcpSegment;
import org.sockstack.stack.wire.WireError;

/**
 * The wire work a receive path does for one TCP/IPv4 frame, as {@link WireParseBenchmark} measures
 * it: validate Ethernet, IPv4 (header checksum) and TCP (checksum with the IPv4 pseudo-header,
 * RFC 9293 section 3.1), then read the fields TCP's segment arrival needs (RFC 9293 section 3.10.7)
 * into plain fields. One instance per thread; it reuses its three views and allocates nothing.
 */
public final class Ipv4TcpReceiveParser {
    private final EthernetFrame eth = new EthernetFrame();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final TcpSegment tcp = new TcpSegment();

    // What the last successful parse read: the connection 4-tuple and the segment's meaning.
    public int srcAddr;
    public int dstAddr;
    public int srcPort;
    public int dstPort;
    public int seqNumber;
    public int ackNumber;
    public int flags;
    public int window;
    public boolean hasTimestamps;
    public int tsVal;
    public int tsEcr;
    public int sackBlocks;
    public int payloadOffset;
    public int payloadLength;

    /**
     * Parses the frame of {@code length} octets at absolute {@code offset}.
     *
     * @return {@link WireError#OK} with the fields filled in, or why the frame would be dropped
     */
    public WireError parse(ByteBuf buf, int offset, int length) {
        WireError e = eth.wrap(buf, offset, length).check();
        if (!e.ok()) {
            return e;
        }
        if (eth.etherType() != EtherType.IPV4) {
            return WireError.UNSUPPORTED;
        }
        e = ip.wrap(buf, eth.payloadOffset(), eth.payloadLength()).check();
        if (!e.ok()) {
            return e;
        }
        if (!ip.verifyChecksum()) {   // RFC 791 section 3.1
            return WireError.BAD_CHECKSUM;
        }
        if (ip.protocol() != IpProtocol.TCP || ip.isFragment()) {
            return WireError.UNSUPPORTED;   // a real stack would reassemble or hand it elsewhere
        }
        return parseTcp(buf);
    }

    private WireError parseTcp(ByteBuf buf) {
        WireError e = tcp.wrap(buf, ip.payloadOffset(), ip.payloadLength()).check();
        if (!e.ok()) {
            return e;
        }
        int pseudoHeaderSum = TcpSegment.pseudoHeaderIpv4(ip.srcAddr(), ip.dstAddr(), tcp.length());
        if (!tcp.verifyChecksum(pseudoHeaderSum)) {
            return WireError.BAD_CHECKSUM;
        }
        srcAddr = ip.srcAddr();
        dstAddr = ip.dstAddr();
        srcPort = tcp.srcPort();
        dstPort = tcp.dstPort();
        seqNumber = tcp.seqNumber();
        ackNumber = tcp.ackNumber();
        flags = tcp.flags();
        window = tcp.window();
        hasTimestamps = tcp.hasTimestamps();   // RFC 7323 section 3.2: TSval for PAWS and RTTM
        tsVal = tcp.tsVal();
        tsEcr = tcp.tsEcr();
        sackBlocks = tcp.sackBlockCount();     // RFC 2018 section 3
        payloadOffset = tcp.payloadOffset();
        payloadLength = tcp.payloadLength();
        return WireError.OK;
    }
}
