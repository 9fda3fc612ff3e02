package org.sockstack.testbed.lab;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.drivers.capture.CaptureDevice;
import org.sockstack.drivers.capture.CaptureFormat;
import org.sockstack.drivers.capture.CaptureOptions;
import org.sockstack.drivers.capture.CaptureReader;
import org.sockstack.drivers.capture.CaptureWriter;
import org.sockstack.drivers.capture.CapturedFrame;
import org.sockstack.drivers.capture.FrameDirection;
import org.sockstack.drivers.capture.TimestampPrecision;
import org.sockstack.drivers.posix.FdPollWaiter;
import org.sockstack.drivers.tap.TapDevice;
import org.sockstack.stack.loop.Clock;
import org.sockstack.stack.wire.ArpPacket;
import org.sockstack.stack.wire.ArpRepr;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.EthernetRepr;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.Parsed;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captures the traffic of a TAP device while the kernel pings the stack address, writing pcap and
 * pcapng at once (two {@link CaptureDevice}s stacked), then lets tshark and tcpdump judge the
 * files. The test answers ARP and ICMP echo itself, so the kernel sees a live host.
 */
class CaptureLabTest {
    private static final MacAddress STACK_MAC = MacAddress.parse("02:00:00:5c:00:03");
    private static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    private static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");
    private static final int PINGS = 3;
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

    /** What the test saw and sent, to compare with what the tools decode. */
    private static final class Tally {
        int arpIn;
        int arpOut;
        int echoRequests;
        int echoReplies;
        int otherIn;
    }

    @LabTest
    void kernelPingCapturedToPcapAndPcapngDecodesCleanly(@TempDir Path dir) throws IOException {
        Path pcap = dir.resolve("lab.pcap");
        Path pcapng = dir.resolve("lab.pcapng");
        String ifname = Lab.uniqueInterfaceName("sscap");
        Clock clock = Clock.system();
        Tally tally = new Tally();
        long captured;
        try (TapDevice tap = TapDevice.open(ifname, STACK_MAC, 1500);
             FdPollWaiter waiter = new FdPollWaiter(tap.fd());
             Lab lab = Lab.create()) {
            CaptureOptions options = CaptureOptions.defaults().withInterfaceName(ifname);
            CaptureDevice toPcap = CaptureDevice.startingNow(tap,
                    CaptureWriter.open(pcap, CaptureFormat.PCAP, options.withPrecision(TimestampPrecision.MICROSECONDS)),
                    clock);
            try (CaptureDevice device = CaptureDevice.startingNow(toPcap,
                    CaptureWriter.open(pcapng, CaptureFormat.PCAPNG, options), clock)) {
                // Without IPv6 the kernel sends nothing but what the ping needs: exact counts.
                lab.exec(Duration.ofSeconds(10), "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1").orThrow();
                lab.exec(Duration.ofSeconds(10), "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1").orThrow();
                lab.adoptInterface(ifname, KERNEL + "/24");
                Process ping = lab.spawn("ping", "-n", "-c", String.valueOf(PINGS), "-i", "0.2", "-W", "2",
                        STACK.toString());

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while ((tally.echoReplies < PINGS || ping.isAlive()) && System.nanoTime() < deadline) {
                    waiter.await(TimeUnit.MILLISECONDS.toNanos(50));
                    device.receive(64, frame -> answer(device, frame, tally));
                }
                String pingOutput = Lab.outputOf(ping, Duration.ofSeconds(5));
                assertTrue(pingOutput.contains(PINGS + " received"), "the kernel got our echo replies:\n" + pingOutput);

                assertNull(toPcap.failure());
                assertNull(device.failure());
                captured = device.framesCaptured();
                assertEquals(captured, toPcap.framesCaptured());
            }
        }
        assertTrue(tally.arpIn >= 1 && tally.arpOut == tally.arpIn, "ARP requests answered: " + tally.arpIn);
        assertEquals(PINGS, tally.echoRequests);
        assertEquals(0, tally.otherIn, "no other traffic with IPv6 off");
        int arp = tally.arpIn + tally.arpOut;
        int icmp = tally.echoRequests + tally.echoReplies;
        assertEquals(arp + icmp, captured);

        for (Path file : new Path[] {pcap, pcapng}) {
            assertDecodesCleanly(file, arp, icmp);
            assertOurReaderAgrees(file, arp + icmp);
        }
        ProcResult tcpdump = Lab.run(TOOL_TIMEOUT, "tcpdump", "-n", "-r", pcap.toString());
        assertEquals(0, tcpdump.exitCode(), tcpdump.output());
        assertEquals(arp, count(tcpdump.output(), "ARP, "), tcpdump.output());
        assertEquals(tally.echoRequests, count(tcpdump.output(), "ICMP echo request"), tcpdump.output());
        assertEquals(tally.echoReplies, count(tcpdump.output(), "ICMP echo reply"), tcpdump.output());
    }

    /** tshark: no error in the expert infos, no malformed frame, the right number of ARP and ICMP frames. */
    private static void assertDecodesCleanly(Path file, int arp, int icmp) {
        ProcResult expert = Lab.run(TOOL_TIMEOUT, "tshark", "-r", file.toString(), "-q", "-z", "expert");
        assertEquals(0, expert.exitCode(), expert.output());
        assertFalse(expert.output().contains("Errors ("), file + ":\n" + expert.output());
        assertFalse(expert.output().toLowerCase().contains("malformed"), file + ":\n" + expert.output());

        ProcResult fields = Lab.run(TOOL_TIMEOUT, "tshark", "-r", file.toString(), "-T", "fields",
                "-e", "frame.protocols", "-e", "frame.time_epoch");
        assertEquals(0, fields.exitCode(), fields.output());
        String out = fields.output();
        assertFalse(out.contains("_ws.malformed"), out);
        assertEquals(arp, count(out, "eth:ethertype:arp\t"), file + ":\n" + out);
        assertEquals(icmp, count(out, "eth:ethertype:ip:icmp:data\t"), file + ":\n" + out);
        // Timestamps are wall-clock time: the first one is within a minute of now.
        String firstEpoch = out.lines().filter(l -> l.contains("\t")).findFirst().orElseThrow().split("\t")[1];
        double age = System.currentTimeMillis() / 1000.0 - Double.parseDouble(firstEpoch);
        assertTrue(age >= 0 && age < 60, "first frame stamped " + firstEpoch);
    }

    private static void assertOurReaderAgrees(Path file, int frames) throws IOException {
        int n = 0;
        int outbound = 0;
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedFrame f;
            while ((f = reader.next()) != null) {
                n++;
                outbound += f.direction() == FrameDirection.OUTBOUND ? 1 : 0;
            }
            if (reader.format() == CaptureFormat.PCAPNG) {
                assertEquals(frames / 2, outbound, "our replies are marked outbound");
            }
        }
        assertEquals(frames, n);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** Answers ARP requests for STACK and ICMP echo requests to it; releases the frame. */
    private static void answer(CaptureDevice device, ByteBuf frame, Tally tally) {
        try {
            EthernetFrame eth = new EthernetFrame();
            if (!eth.wrap(frame).check().ok()) {
                tally.otherIn++;
                return;
            }
            if (eth.etherType() == EtherType.ARP) {
                Parsed<ArpRepr> p = ArpRepr.parse(new ArpPacket().wrap(frame, eth.payloadOffset(), eth.payloadLength()));
                tally.arpIn++;
                if (p.ok() && p.value().isRequest() && p.value().targetProtocolAddr().equals(STACK)) {
                    MacAddress kernelMac = p.value().senderHardwareAddr();
                    ByteBuf reply = device.allocator().directBuffer(42);
                    new EthernetRepr(STACK_MAC, kernelMac, EtherType.ARP).emit(reply, 0);
                    ArpRepr.reply(STACK_MAC, STACK, kernelMac, KERNEL).emit(reply, EthernetFrame.HEADER_LENGTH);
                    reply.writerIndex(42);
                    assertTrue(device.transmit(reply));
                    tally.arpOut++;
                }
            } else if (eth.etherType() == EtherType.IPV4 && isEchoRequest(frame, eth.payloadOffset())) {
                tally.echoRequests++;
                assertTrue(device.transmit(echoReply(frame, eth.payloadOffset(), device.allocator())));
                tally.echoReplies++;
            } else {
                tally.otherIn++;
            }
        } finally {
            frame.release();
        }
    }

    /** IPv4 (RFC 791): protocol 1 at octet 9; ICMP (RFC 792) type 8 is an echo request. */
    private static boolean isEchoRequest(ByteBuf frame, int ip) {
        int ihl = (frame.getUnsignedByte(ip) & 0x0F) * 4;
        return frame.getUnsignedByte(ip + 9) == 1 && frame.getUnsignedByte(ip + ihl) == 8
                && frame.getInt(ip + 16) == STACK.bits();
    }

    /**
     * RFC 792 echo reply: the request with addresses swapped, type 0 and the ICMP checksum
     * recomputed. Swapping the IPv4 addresses leaves the header checksum valid (the sum commutes).
     */
    private static ByteBuf echoReply(ByteBuf request, int ip, ByteBufAllocator allocator) {
        int ihl = (request.getUnsignedByte(ip) & 0x0F) * 4;
        int totalLength = request.getUnsignedShort(ip + 2);
        ByteBuf reply = allocator.directBuffer(EthernetFrame.HEADER_LENGTH + totalLength);
        reply.writeBytes(request, request.readerIndex() + 6, 6) // destination: the request's source
                .writeBytes(STACK_MAC.octets())
                .writeShort(EtherType.IPV4)
                .writeBytes(request, ip, totalLength);
        int rip = EthernetFrame.HEADER_LENGTH;
        reply.setInt(rip + 12, request.getInt(ip + 16)).setInt(rip + 16, request.getInt(ip + 12));
        int icmp = rip + ihl;
        reply.setByte(icmp, 0).setShort(icmp + 2, 0);
        reply.setShort(icmp + 2, InternetChecksum.compute(reply, icmp, totalLength - ihl));
        return reply;
    }
}
