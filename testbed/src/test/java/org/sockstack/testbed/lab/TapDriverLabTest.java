package org.sockstack.testbed.lab;

import io.netty.buffer.ByteBuf;
import org.sockstack.drivers.posix.FdPollWaiter;
import org.sockstack.drivers.tap.TapDevice;
import org.sockstack.drivers.tap.TapException;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frames flow both ways between the Linux kernel and the TAP driver. */
class TapDriverLabTest {
    private static final MacAddress STACK_MAC = MacAddress.parse("02:00:00:5c:00:02");
    private static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    private static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");

    @LabTest
    void kernelArpRequestArrivesAndOurReplyReachesTheKernel() {
        String ifname = Lab.uniqueInterfaceName("sstap");
        try (TapDevice tap = TapDevice.open(ifname, STACK_MAC, 1500);
             FdPollWaiter waiter = new FdPollWaiter(tap.fd());
             Lab lab = Lab.create()) {
            lab.adoptInterface(ifname, KERNEL + "/24");
            // The kernel must resolve 192.0.2.2 before it can send the echo request: an ARP request.
            Process ping = lab.spawn("ping", "-c", "5", "-i", "0.2", "-W", "1", STACK.toString());

            ArpRepr request = awaitArpRequest(tap, waiter, Duration.ofSeconds(10));
            assertNotNull(request, "the kernel's ARP request for " + STACK + " reached the TAP driver");
            assertEquals(KERNEL, request.senderProtocolAddr());
            MacAddress kernelMac = request.senderHardwareAddr();

            ByteBuf reply = tap.allocator().directBuffer(42);
            new EthernetRepr(STACK_MAC, kernelMac, EtherType.ARP).emit(reply, 0);
            ArpRepr.reply(STACK_MAC, STACK, kernelMac, KERNEL).emit(reply, EthernetFrame.HEADER_LENGTH);
            reply.writerIndex(42);
            assertTrue(tap.transmit(reply), "write to the TAP device");

            // The kernel accepted our frame: its neighbour table now maps 192.0.2.2 to our MAC.
            String neigh = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline && !neigh.contains(STACK_MAC.toString())) {
                neigh = lab.ip("neigh", "show", STACK.toString()).output();
                waiter.await(TimeUnit.MILLISECONDS.toNanos(50));
                tap.receive(64, ByteBuf::release);
            }
            assertTrue(neigh.contains(STACK_MAC.toString()), "kernel neighbour entry: " + neigh);
            ping.destroy();
        }
    }

    @LabTest
    void openingWithABadNameGivesAClearError() {
        TapException e = assertThrows(TapException.class, () -> TapDevice.open("", STACK_MAC, 1500));
        assertTrue(e.getMessage().contains("1-15 characters"), e.getMessage());
        e = assertThrows(TapException.class, () -> TapDevice.open("lo", STACK_MAC, 1500));
        assertTrue(e.getMessage().contains("'lo'"), e.getMessage());
    }

    private static ArpRepr awaitArpRequest(TapDevice tap, FdPollWaiter waiter, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ArpRepr[] found = new ArpRepr[1];
        EthernetFrame eth = new EthernetFrame();
        ArpPacket arp = new ArpPacket();
        while (found[0] == null && System.nanoTime() < deadline) {
            waiter.await(deadline - System.nanoTime());
            tap.receive(64, frame -> {
                try {
                    if (eth.wrap(frame).check().ok() && eth.etherType() == EtherType.ARP) {
                        Parsed<ArpRepr> p = ArpRepr.parse(arp.wrap(frame, eth.payloadOffset(), eth.payloadLength()));
                        if (p.ok() && p.value().isRequest() && p.value().targetProtocolAddr().equals(STACK)) {
                            found[0] = p.value();
                        }
                    }
                } finally {
                    frame.release();
                }
            });
        }
        return found[0];
    }
}
