package org.sockstack.testbed.lab;

import io.netty.buffer.ByteBuf;
import org.sockstack.drivers.pcap.PcapDevice;
import org.sockstack.drivers.posix.Netns;
import org.sockstack.stack.loop.ParkingWaiter;
import org.sockstack.stack.wire.ArpPacket;
import org.sockstack.stack.wire.ArpRepr;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.EthernetRepr;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.Parsed;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames flow both ways between the Linux kernel and the live pcap driver.
 *
 * <p>Topology, all of it inside two lab namespaces (nothing is configured in the root namespace):
 * <pre>
 *   lab A ("kernel")                       lab B ("capture")
 *   vethA 192.0.2.1/24  &lt;--- veth ---&gt;    vethB, up, no address  &lt;-- PcapDevice (MAC 02:00:00:5c:00:03)
 * </pre>
 * The JVM thread running the test enters B with {@code setns(2)} just long enough to open the
 * capture (a packet socket belongs to the namespace it was created in) and returns to its own.
 */
class PcapDriverLabTest {
    private static final MacAddress STACK_MAC = MacAddress.parse("02:00:00:5c:00:03");
    private static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    private static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");
    private static final int ARP_FRAME_LENGTH = EthernetFrame.HEADER_LENGTH + 28;

    @LabTest
    void kernelArpRequestArrivesThroughPcapAndOurReplyReachesTheKernel() {
        String vethA = Lab.uniqueInterfaceName("sspa");
        String vethB = Lab.uniqueInterfaceName("sspb");
        try (Lab kernelSide = Lab.create(); Lab captureSide = Lab.create()) {
            // Both ends are created inside lab namespaces: the pair never exists in the root namespace.
            kernelSide.ip("link", "add", vethA, "type", "veth", "peer", "name", vethB,
                    "netns", captureSide.namespace()).orThrow();
            Lab.requireDocumentationAddress(KERNEL + "/24");
            kernelSide.ip("addr", "add", KERNEL + "/24", "dev", vethA).orThrow();
            kernelSide.ip("link", "set", "dev", vethA, "up").orThrow();
            captureSide.ip("link", "set", "dev", vethB, "up").orThrow();

            String ownNamespace = Netns.currentNamespaceId();
            try (PcapDevice pcap = Netns.callIn(Netns.named(captureSide.namespace()),
                    () -> PcapDevice.open(vethB, STACK_MAC, 1500))) {
                assertEquals(ownNamespace, Netns.currentNamespaceId(), "the thread left the capture namespace");
                exchangeWithTheKernel(pcap, kernelSide);
            }
        }
    }

    private static void exchangeWithTheKernel(PcapDevice pcap, Lab kernelSide) {
        ParkingWaiter waiter = new ParkingWaiter();
        pcap.setReadyListener(waiter::wakeup);
        // The kernel must resolve 192.0.2.2 before it can send the echo request: an ARP request.
        kernelSide.spawn("ping", "-c", "50", "-i", "0.2", "-W", "1", STACK.toString());

        FrameLog log = new FrameLog();
        ArpRepr request = log.awaitArpRequest(pcap, waiter, Duration.ofSeconds(10));
        assertNotNull(request, "the kernel's ARP request for " + STACK + " reached the pcap driver");
        assertEquals(KERNEL, request.senderProtocolAddr());
        MacAddress kernelMac = request.senderHardwareAddr();

        ByteBuf reply = pcap.allocator().directBuffer(ARP_FRAME_LENGTH);
        new EthernetRepr(STACK_MAC, kernelMac, EtherType.ARP).emit(reply, 0);
        ArpRepr.reply(STACK_MAC, STACK, kernelMac, KERNEL).emit(reply, EthernetFrame.HEADER_LENGTH);
        reply.writerIndex(ARP_FRAME_LENGTH);
        assertTrue(pcap.transmit(reply), "pcap_sendpacket on the capture interface");

        // The kernel accepted our frame: its neighbour table now maps 192.0.2.2 to our MAC ...
        String neigh = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && !neigh.contains(STACK_MAC.toString())) {
            neigh = kernelSide.ip("neigh", "show", STACK.toString()).output();
            log.drain(pcap, waiter, TimeUnit.MILLISECONDS.toNanos(50));
        }
        assertTrue(neigh.contains(STACK_MAC.toString()), "kernel neighbour entry: " + neigh);

        // ... and it sends its ICMP echo requests to that MAC, which the capture delivers.
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && log.echoRequests == 0) {
            log.drain(pcap, waiter, TimeUnit.MILLISECONDS.toNanos(100));
        }
        assertTrue(log.echoRequests > 0, "ICMP echo requests to " + STACK_MAC + " arrived; frames seen: " + log.frames);
        // What we sent never comes back to us: pcap captures inbound frames only.
        assertEquals(0, log.fromUs, "frames carrying our source MAC captured");
        assertFalse(pcap.filtersBySourceMac(), "a veth supports pcap_setdirection(PCAP_D_IN)");
        assertEquals(0, pcap.rxQueueDrops());
        assertEquals(1, pcap.txFrames());
    }

    /** What the test saw on the capture; frames are parsed and released at once. */
    private static final class FrameLog {
        final EthernetFrame eth = new EthernetFrame();
        final ArpPacket arp = new ArpPacket();
        ArpRepr arpRequest;
        int frames;
        int echoRequests;
        int fromUs;

        ArpRepr awaitArpRequest(PcapDevice pcap, ParkingWaiter waiter, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (arpRequest == null && System.nanoTime() < deadline) {
                drain(pcap, waiter, deadline - System.nanoTime());
            }
            return arpRequest;
        }

        void drain(PcapDevice pcap, ParkingWaiter waiter, long waitNanos) {
            waiter.await(waitNanos);
            pcap.receive(64, frame -> {
                try {
                    record(frame);
                } finally {
                    frame.release();
                }
            });
        }

        private void record(ByteBuf frame) {
            frames++;
            if (!eth.wrap(frame).check().ok()) {
                return;
            }
            if (eth.srcAddr() == STACK_MAC.bits()) {
                fromUs++;
            }
            if (eth.etherType() == EtherType.ARP) {
                Parsed<ArpRepr> p = ArpRepr.parse(arp.wrap(frame, eth.payloadOffset(), eth.payloadLength()));
                if (p.ok() && p.value().isRequest() && p.value().targetProtocolAddr().equals(STACK)) {
                    arpRequest = p.value();
                }
            } else if (eth.etherType() == EtherType.IPV4 && eth.dstAddr() == STACK_MAC.bits()
                    && isEchoRequestTo(frame, eth.payloadOffset(), eth.payloadLength(), STACK)) {
                echoRequests++;
            }
        }
    }

    /**
     * An IPv4 ICMP echo request to {@code dst}, read straight from the bytes (the stack has no
     * IPv4 view yet): RFC 791 section 3.1 (IHL in the low nibble of octet 0, protocol at octet 9,
     * destination at octets 16-19) and RFC 792 (type 8 = echo request).
     */
    private static boolean isEchoRequestTo(ByteBuf frame, int offset, int length, Ipv4Address dst) {
        if (length < 20) {
            return false;
        }
        int ihl = (frame.getUnsignedByte(offset) & 0x0f) * 4;
        return ihl >= 20 && length > ihl
                && frame.getUnsignedByte(offset + 9) == 1
                && frame.getInt(offset + 16) == dst.bits()
                && frame.getUnsignedByte(offset + ihl) == 8;
    }
}
