package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.device.DeviceCapabilities;
import org.sockstack.stack.device.ForwardingDevice;
import org.sockstack.stack.device.FrameOffload;
import org.sockstack.stack.device.FrameSink;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.TcpOptions;
import org.sockstack.stack.wire.TcpRepr;
import org.sockstack.stack.wire.TcpSegment;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.tcp.Established.bytes;
import static org.sockstack.stack.tcp.TcpTestHost.ISS;
import static org.sockstack.stack.tcp.TcpTestHost.PEER_IP;
import static org.sockstack.stack.tcp.TcpTestHost.STACK_IP;
import static org.sockstack.stack.wire.TcpSegment.ACK;
import static org.sockstack.stack.wire.TcpSegment.PSH;

/**
 * Offloads through the Device contract: a 64 KiB GSO super-frame whose checksum was never
 * computed (virtio NEEDS_CSUM) is accepted when the device flags it, and TCP hands a TSO device
 * super-frames of several MSS with the pseudo-header sum in the checksum field, within cwnd.
 */
class TcpOffloadTest {
    /**
     * Advertises TSO and records the segment size of each frame sent through it. Like the kernel
     * with a CHECKSUM_PARTIAL packet, it finds the pseudo-header sum in a super-frame's checksum
     * field (recorded in {@link #partialSums}) and completes the checksum before passing it on.
     */
    static final class TsoDevice extends ForwardingDevice {
        final List<Integer> segmentSizes = new ArrayList<>();
        final List<Boolean> partialSums = new ArrayList<>();

        TsoDevice(Device inner) {
            super(inner);
        }

        @Override
        public DeviceCapabilities capabilities() {
            return new DeviceCapabilities(false, false, 64, true);
        }

        @Override
        public int receive(int maxFrames, FrameSink sink) {
            return inner.receive(maxFrames, sink);
        }

        @Override
        public boolean transmit(ByteBuf frame) {
            return transmit(frame, 0);
        }

        @Override
        public boolean transmit(ByteBuf frame, int segmentSize) {
            segmentSizes.add(segmentSize);
            if (segmentSize > 0) {
                int at = EthernetFrame.HEADER_LENGTH + Ipv4Packet.MIN_HEADER_LENGTH;
                int tcpLength = frame.readableBytes() - at;
                int pseudo = TcpSegment.pseudoHeaderIpv4(STACK_IP.bits(), PEER_IP.bits(), tcpLength);
                partialSums.add(frame.getUnsignedShort(at + 16) == (~InternetChecksum.finish(pseudo) & 0xFFFF)
                        && frame.getUnsignedShort(EthernetFrame.HEADER_LENGTH + 2) == 20 + tcpLength);
                frame.setShort(at + 16, 0);
                frame.setShort(at + 16, InternetChecksum.finish(InternetChecksum.add(frame, at, tcpLength, pseudo)));
            }
            return inner.transmit(frame);
        }

        @Override
        public void setReadyListener(Runnable listener) {
            inner.setReadyListener(listener);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private TsoDevice tso;
    private final TcpTestHost h = new TcpTestHost(TcpConfig.DEFAULT, d -> tso = new TsoDevice(d));

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** The largest TCP payload of one IPv4 datagram without options: 65535 - 20 - 20. */
    static final int SUPER_PAYLOAD = Ipv4Packet.MAX_TOTAL_LENGTH - 20 - 20;

    /** A super-frame from the peer whose checksum field holds only the pseudo-header sum (NEEDS_CSUM). */
    private static ByteBuf superFrame(Established e, byte[] data) {
        TcpRepr r = new TcpRepr(Established.PEER_PORT, Established.PORT, e.peerSeq, e.peerAck, ACK | PSH, e.peerWindow, 0,
                TcpOptions.NONE, data.length);
        ByteBuf f = TcpTestHost.frame(r, data, PEER_IP, STACK_IP);
        int at = EthernetFrame.HEADER_LENGTH + Ipv4Packet.MIN_HEADER_LENGTH;
        int pseudo = TcpSegment.pseudoHeaderIpv4(PEER_IP.bits(), STACK_IP.bits(), r.tcpLength());
        f.setShort(at + 16, ~InternetChecksum.finish(pseudo));
        return f;
    }

    /** A peer with MSS 1460 and a 65535-octet window, without timestamps. */
    private Established established() {
        Established e = new Established(h, 65535, 1460, false);
        return e;
    }

    @Test
    void gsoSuperFrameWithPartialChecksumIsDeliveredWhole() {
        Established e = established();
        byte[] data = bytes(SUPER_PAYLOAD, 9);
        ByteBuf f = superFrame(e, data);
        assertEquals(EthernetFrame.HEADER_LENGTH + 65535, f.readableBytes());
        h.stack.receiveFrame(h.iface, f, FrameOffload.RX_CHECKSUM_UNNECESSARY | FrameOffload.RX_SEGMENTED, h.now());
        h.run();
        byte[] got = new byte[SUPER_PAYLOAD + 10];
        int n = e.socket.receive(got, 0, got.length, h.now());
        // Everything the advertised window admitted arrived intact, in one segment.
        assertTrue(n >= 60_000, "received " + n);
        assertArrayEquals(java.util.Arrays.copyOf(data, n), java.util.Arrays.copyOf(got, n));
        assertEquals(0, h.counter("tcp.drop.bad_checksum"));
        // The flags held for that frame only.
        assertEquals(FrameOffload.NONE, h.iface.rxFlags());
    }

    @Test
    void theSameFrameWithoutTheFlagFailsTheChecksum() {
        Established e = established();
        ByteBuf f = superFrame(e, bytes(20_000, 9));
        h.stack.receiveFrame(h.iface, f, FrameOffload.NONE, h.now());
        h.run();
        assertEquals(1, h.counter("tcp.drop.bad_checksum"));
        assertTrue(e.socket.receive(new byte[100], 0, 100, h.now()) <= 0, "nothing delivered");
    }

    @Test
    void tsoDeviceGetsSuperFramesOfWholeSegmentsWithinCwnd() {
        Established e = established();
        h.sent();
        tso.segmentSizes.clear();
        byte[] data = bytes(200_000, 4);
        int queued = e.socket.send(data, 0, data.length, h.now());
        assertTrue(queued > 14_600, "queued " + queued);
        h.run();
        List<TcpTestHost.Sent> out = h.sent();
        // cwnd is IW10 (RFC 6928): 10 segments of 1460 leave as one super-frame.
        assertEquals(1, out.size(), out.toString());
        TcpTestHost.Sent s = out.get(0);
        assertEquals(ISS + 1, s.seq());
        assertEquals(10 * 1460, s.data().length);
        assertArrayEquals(java.util.Arrays.copyOf(data, 10 * 1460), s.data());
        assertEquals(List.of(1460), tso.segmentSizes);
        assertEquals(List.of(true), tso.partialSums, "pseudo-header sum and IPv4 total length of the super-frame");
        // The ACK of the first two segments opens cwnd (slow start): the next super-frame is bigger
        // but never exceeds what cwnd and the peer's window allow in octets.
        e.peerAck = ISS + 1 + 2 * 1460;
        e.send(ACK, null);
        List<TcpTestHost.Sent> more = h.sent();
        int octets = more.stream().mapToInt(x -> x.data().length).sum();
        assertTrue(octets > 2 * 1460 && octets <= 65535 - 10 * 1460 + 2 * 1460, "sent " + octets);
        assertTrue(more.stream().allMatch(x -> x.data().length % 1460 == 0 || x.data().length < 1460), more.toString());
    }

    @Test
    void withoutTsoEverySegmentFitsTheMss() {
        TcpTestHost plain = new TcpTestHost();
        try {
            Established e = new Established(plain, 65535, 1460, false);
            plain.sent();
            byte[] data = bytes(10 * 1460, 4);
            e.socket.send(data, 0, data.length, plain.now());
            List<TcpTestHost.Sent> out = plain.sent();
            assertEquals(10, out.size());
            out.forEach(s -> assertEquals(1460, s.data().length));
        } finally {
            plain.close();
        }
    }
}
