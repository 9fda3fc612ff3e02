package org.sockstack.drivers.pcap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.testing.Hex;
import org.sockstack.stack.wire.MacAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frame copying, queueing, own-frame filtering and shutdown of {@link PcapDevice}, over a fake capture. */
class PcapDeviceTest {
    private static final MacAddress STACK_MAC = MacAddress.parse("02:00:00:5c:00:02");

    /**
     * The kernel's ARP request "who-has 192.0.2.2 tell 192.0.2.1", captured on a veth pair between
     * two namespaces: {@code ip netns exec B tcpdump -Q in -i vb -c 2 -w arp.pcap arp} while
     * {@code ip netns exec A ping -c 2 192.0.2.2}; bytes from {@code tcpdump -r arp.pcap -xx}.
     */
    private static final byte[] KERNEL_ARP_REQUEST = Hex.bytes(
            "ffff ffff ffff ea69 aff1 c2dd 0806 0001"
            + "0800 0604 0001 ea69 aff1 c2dd c000 0201"
            + "0000 0000 0000 c000 0202");

    /** The same request as if our stack had sent it: source MAC 02:00:00:5c:00:02. */
    private static final byte[] OWN_ARP_REQUEST = Hex.bytes(
            "ffff ffff ffff 0200 005c 0002 0806 0001"
            + "0800 0604 0001 0200 005c 0002 c000 0202"
            + "0000 0000 0000 c000 0201");

    private final List<PcapDevice> devices = new ArrayList<>();

    @AfterEach
    void closeDevices() {
        devices.forEach(PcapDevice::close);
    }

    private PcapDevice device(FakeCaptureHandle handle, int queueLimit) {
        PcapDevice d = new PcapDevice("fake0", STACK_MAC, 1500, handle, queueLimit, PooledByteBufAllocator.DEFAULT);
        devices.add(d);
        return d.start();
    }

    @Test
    void capturedFramesAreCopiedIntoPooledBuffersAndWakeTheLoop() throws Exception {
        FakeCaptureHandle handle = new FakeCaptureHandle(true);
        PcapDevice dev = device(handle, 16);
        Semaphore ready = new Semaphore(0);
        dev.setReadyListener(ready::release);

        handle.deliver(KERNEL_ARP_REQUEST);
        assertTrue(ready.tryAcquire(10, TimeUnit.SECONDS), "ready listener called");

        List<ByteBuf> got = new ArrayList<>();
        assertEquals(1, dev.receive(64, got::add));
        ByteBuf frame = got.get(0);
        try {
            assertTrue(frame.isDirect(), "pooled direct buffer");
            assertSame(PooledByteBufAllocator.DEFAULT, frame.alloc());
            assertArrayEquals(KERNEL_ARP_REQUEST, Hex.bytes(Hex.of(frame)));
        } finally {
            frame.release();
        }
        assertEquals(1, dev.rxFrames());
        assertEquals(0, dev.receive(64, ByteBuf::release), "queue drained");
    }

    @Test
    void receiveHonoursTheBatchBudget() throws Exception {
        FakeCaptureHandle handle = new FakeCaptureHandle(true);
        PcapDevice dev = device(handle, 16);
        handle.deliver(KERNEL_ARP_REQUEST, KERNEL_ARP_REQUEST, KERNEL_ARP_REQUEST);
        handle.awaitProcessed(3);

        assertEquals(2, dev.receive(2, ByteBuf::release));
        assertEquals(1, dev.receive(2, ByteBuf::release));
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlockingTheReader() throws Exception {
        FakeCaptureHandle handle = new FakeCaptureHandle(true);
        PcapDevice dev = device(handle, 2);
        handle.deliver(KERNEL_ARP_REQUEST, KERNEL_ARP_REQUEST, KERNEL_ARP_REQUEST, KERNEL_ARP_REQUEST);
        handle.awaitProcessed(4);

        assertEquals(2, dev.rxFrames());
        assertEquals(2, dev.rxQueueDrops());
        assertEquals(2, dev.receive(64, ByteBuf::release));
    }

    @Test
    void withoutDirectionFilteringOurOwnFramesAreIgnoredBySourceMac() throws Exception {
        FakeCaptureHandle handle = new FakeCaptureHandle(false);
        PcapDevice dev = device(handle, 16);
        assertTrue(dev.filtersBySourceMac());

        handle.deliver(OWN_ARP_REQUEST, KERNEL_ARP_REQUEST, new byte[] {1, 2, 3});
        handle.awaitProcessed(3);

        assertEquals(1, dev.rxOwnFramesIgnored());
        List<ByteBuf> got = new ArrayList<>();
        assertEquals(2, dev.receive(64, got::add), "the kernel's frame and the runt (the stack drops runts)");
        try {
            assertArrayEquals(KERNEL_ARP_REQUEST, Hex.bytes(Hex.of(got.get(0))));
        } finally {
            got.forEach(ByteBuf::release);
        }
    }

    @Test
    void withDirectionFilteringFramesCarryingOurMacAreNotTouched() throws Exception {
        FakeCaptureHandle handle = new FakeCaptureHandle(true);
        PcapDevice dev = device(handle, 16);
        assertFalse(dev.filtersBySourceMac());

        handle.deliver(OWN_ARP_REQUEST);
        handle.awaitProcessed(1);

        assertEquals(0, dev.rxOwnFramesIgnored());
        assertEquals(1, dev.receive(64, ByteBuf::release));
    }

    @Test
    void transmitSendsTheReadableBytesAndReleasesTheFrame() {
        FakeCaptureHandle handle = new FakeCaptureHandle(true);
        PcapDevice dev = device(handle, 16);
        ByteBuf frame = dev.allocator().directBuffer(64);
        frame.writeBytes(new byte[] {9, 9});
        frame.writeBytes(OWN_ARP_REQUEST);
        frame.skipBytes(2);

        assertTrue(dev.transmit(frame));

        assertEquals(0, frame.refCnt(), "released after sending");
        assertEquals(1, handle.sent.size());
        assertArrayEquals(OWN_ARP_REQUEST, handle.sent.get(0));
        assertEquals(1, dev.txFrames());
    }

    @Test
    void aRefusedSendIsADropNotAnException() {
        FakeCaptureHandle handle = new FakeCaptureHandle(true);
        PcapDevice dev = device(handle, 16);
        handle.sendFailure = new PcapException(PcapException.Reason.OTHER, "send: No buffer space available");
        ByteBuf frame = dev.allocator().directBuffer(64).writeBytes(OWN_ARP_REQUEST);

        assertFalse(dev.transmit(frame));

        assertEquals(0, frame.refCnt());
        assertEquals(1, dev.txErrors());
        assertEquals(0, dev.txFrames());
    }

    @Test
    void closeStopsTheReaderClosesTheCaptureAndReleasesQueuedFrames() throws Exception {
        FakeCaptureHandle handle = new FakeCaptureHandle(true);
        PcapDevice dev = device(handle, 16);
        handle.deliver(KERNEL_ARP_REQUEST, KERNEL_ARP_REQUEST);
        handle.awaitProcessed(2);

        dev.close();

        assertTrue(handle.closed);
        handle.loopThread().join(TimeUnit.SECONDS.toMillis(5));
        assertFalse(handle.loopThread().isAlive(), "reader thread ended");
        assertEquals(0, dev.receive(64, ByteBuf::release), "queued frames were released by close");
        ByteBuf late = dev.allocator().directBuffer(64).writeBytes(OWN_ARP_REQUEST);
        assertFalse(dev.transmit(late));
        assertEquals(0, late.refCnt());
    }

    @Test
    void aListenerSetAfterFramesArrivedIsCalledAtOnce() throws Exception {
        FakeCaptureHandle handle = new FakeCaptureHandle(true);
        PcapDevice dev = device(handle, 16);
        handle.deliver(KERNEL_ARP_REQUEST);
        handle.awaitProcessed(1);

        Semaphore ready = new Semaphore(0);
        dev.setReadyListener(ready::release);

        assertEquals(1, ready.availablePermits());
        assertEquals(1, dev.receive(64, ByteBuf::release));
    }

    @Test
    void aCaptureThatFailsIsReported() throws Exception {
        FakeCaptureHandle handle = new FakeCaptureHandle(true);
        PcapDevice dev = device(handle, 16);
        assertNull(dev.failure());
        handle.loopFailure = new PcapException(PcapException.Reason.OTHER, "capture failed: The interface went down");
        handle.deliver(KERNEL_ARP_REQUEST);
        handle.loopThread().join(TimeUnit.SECONDS.toMillis(10));

        assertNotNull(dev.failure());
        assertTrue(dev.failure().getMessage().contains("went down"));
    }
}
