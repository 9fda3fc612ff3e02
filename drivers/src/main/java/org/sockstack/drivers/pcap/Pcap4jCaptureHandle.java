package org.sockstack.drivers.pcap;

import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.RawPacketListener;
import org.pcap4j.packet.namednumber.DataLinkType;

import java.util.function.Consumer;

/** A {@link CaptureHandle} over a pcap4j {@link PcapHandle} (libpcap through JNA). */
final class Pcap4jCaptureHandle implements CaptureHandle {
    private final PcapHandle handle;

    private Pcap4jCaptureHandle(PcapHandle handle) {
        this.handle = handle;
    }

    /**
     * Opens {@code ifname} in the calling thread's network namespace: promiscuous, immediate
     * mode (each frame is delivered as it arrives, not batched), {@code snaplen} bytes per frame,
     * and a read timeout that bounds how long {@link #breakLoop()} may take on libpcap versions
     * whose {@code pcap_breakloop} cannot wake a blocked read (before 1.10).
     *
     * @param filter a BPF expression as tcpdump takes it, or null for every frame
     */
    static Pcap4jCaptureHandle open(String ifname, int snaplen, int timeoutMillis, String filter) {
        PcapHandle handle;
        try {
            handle = new PcapHandle.Builder(ifname)
                    .snaplen(snaplen)
                    .promiscuousMode(PcapNetworkInterface.PromiscuousMode.PROMISCUOUS)
                    .immediateMode(true)
                    .timeoutMillis(timeoutMillis)
                    .build();
        } catch (PcapNativeException e) {
            throw PcapException.openFailed(ifname, e.getReturnCode(), e.getMessage());
        } catch (LinkageError e) {
            // UnsatisfiedLinkError on first use, NoClassDefFoundError on every later one.
            throw PcapException.libpcapMissing(e);
        }
        try {
            DataLinkType dlt = handle.getDlt();
            if (!DataLinkType.EN10MB.equals(dlt)) {
                throw PcapException.notEthernet(ifname, String.valueOf(dlt));
            }
            if (filter != null) {
                try {
                    handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
                } catch (PcapNativeException e) {
                    throw PcapException.badFilter(ifname, filter, e.getMessage());
                }
            }
            return new Pcap4jCaptureHandle(handle);
        } catch (NotOpenException e) {
            handle.close();
            throw new IllegalStateException("pcap handle closed while opening", e);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    @Override
    public boolean captureInboundOnly() {
        try {
            handle.setDirection(PcapHandle.PcapDirection.IN);
            return true;
        } catch (PcapNativeException e) {
            return false;
        } catch (NotOpenException e) {
            throw new IllegalStateException("pcap handle already closed", e);
        }
    }

    @Override
    public void loop(Consumer<byte[]> frames) {
        try {
            handle.loop(-1, (RawPacketListener) frames::accept);
        } catch (InterruptedException e) {
            // pcap4j's way of saying pcap_loop returned because of pcap_breakloop: a normal end.
        } catch (PcapNativeException e) {
            throw new PcapException(PcapException.Reason.OTHER, "capture failed: " + e.getMessage(), e);
        } catch (NotOpenException e) {
            // Closed under us: nothing more to read.
        }
    }

    @Override
    public void breakLoop() {
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // Already closed: the loop has ended.
        }
    }

    @Override
    public void send(byte[] frame, int length) {
        try {
            handle.sendPacket(frame, length);
        } catch (PcapNativeException | NotOpenException e) {
            throw new PcapException(PcapException.Reason.OTHER, "pcap_sendpacket failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (handle.isOpen()) {
            handle.close();
        }
    }
}
