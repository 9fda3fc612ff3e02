package org.sockstack.testbed.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetRepr;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Repr;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.TcpOptions;
import org.sockstack.stack.wire.TcpRepr;
import org.sockstack.stack.wire.TcpSegment;

import java.util.List;

/**
 * A full-sized TCP/IPv4 data segment on Ethernet, built with the wire records' {@code emit} methods
 * so every checksum is real: the frame a bulk receiver sees most (Linux with timestamps, MSS 1448).
 *
 * <pre>
 *   Ethernet II   14 octets   02:00:00:00:00:01 -> 02:00:00:00:00:02, EtherType 0x0800
 *   IPv4          20 octets   192.0.2.1 -> 192.0.2.2, DF, TTL 64, Total Length 1500
 *   TCP           32 octets   5201 -> 40000, [P.], window 501, options [nop,nop,TS val ecr]
 *   data        1448 octets   a counting pattern
 *                ----
 *                1514 octets  (1500-octet MTU)
 * </pre>
 */
public final class TcpFrameFixture {
    public static final MacAddress SRC_MAC = MacAddress.parse("02:00:00:00:00:01");
    public static final MacAddress DST_MAC = MacAddress.parse("02:00:00:00:00:02");
    public static final Ipv4Address SRC_ADDR = Ipv4Address.parse("192.0.2.1");
    public static final Ipv4Address DST_ADDR = Ipv4Address.parse("192.0.2.2");
    public static final int SRC_PORT = 5201;
    public static final int DST_PORT = 40000;
    public static final int SEQ = 0xC0FF_EE00;
    public static final int ACK = 0x1234_5678;
    public static final int FLAGS = TcpSegment.PSH | TcpSegment.ACK;
    public static final int WINDOW = 501;
    public static final int TS_VAL = 0x8765_4321;
    public static final int TS_ECR = 0x0102_0304;
    /** MSS 1460 less the 12 octets of the timestamps option (NOP, NOP, TS). */
    public static final int PAYLOAD_LENGTH = 1448;
    public static final int TCP_HEADER_LENGTH = 32;
    public static final int IP_TOTAL_LENGTH = 20 + TCP_HEADER_LENGTH + PAYLOAD_LENGTH;
    public static final int FRAME_LENGTH = 14 + IP_TOTAL_LENGTH;

    private TcpFrameFixture() {
    }

    /** The 1514 octets of the frame, checksums filled in. */
    public static byte[] frame() {
        TcpRepr tcp = new TcpRepr(SRC_PORT, DST_PORT, SEQ, ACK, FLAGS, WINDOW, 0,
                TcpOptions.data(new TcpOptions.Timestamps(TS_VAL, TS_ECR), List.of()), PAYLOAD_LENGTH);
        Ipv4Repr ip = new Ipv4Repr(SRC_ADDR, DST_ADDR, IpProtocol.TCP, tcp.tcpLength(), 64,
                0, 0, 0x4242, true, false, 0, null);
        EthernetRepr eth = new EthernetRepr(SRC_MAC, DST_MAC, EtherType.IPV4);

        byte[] bytes = new byte[eth.bufferLength() + ip.bufferLength() + tcp.tcpLength()];
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        int ipAt = eth.bufferLength();
        int tcpAt = ipAt + ip.bufferLength();
        int dataAt = tcpAt + tcp.bufferLength();
        for (int i = 0; i < PAYLOAD_LENGTH; i++) {
            buf.setByte(dataAt + i, i * 7 + 3);
        }
        eth.emit(buf, 0);
        ip.emit(buf, ipAt);
        // The data is in place before emit: the TCP checksum covers it (RFC 9293 section 3.1).
        tcp.emit(buf, tcpAt, TcpSegment.pseudoHeaderIpv4(SRC_ADDR.bits(), DST_ADDR.bits(), tcp.tcpLength()));
        if (bytes.length != FRAME_LENGTH) {
            throw new IllegalStateException("fixture is " + bytes.length + " octets, expected " + FRAME_LENGTH);
        }
        return bytes;
    }
}
