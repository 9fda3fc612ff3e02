package org.sockstack.drivers.pcap;

import java.util.function.Consumer;

/**
 * The few operations {@link PcapDevice} needs from an open live capture. The real one is
 * {@link Pcap4jCaptureHandle}; tests substitute a fake so that frame copying, queueing and
 * dropping can be checked without root or a network interface.
 */
interface CaptureHandle extends AutoCloseable {

    /**
     * Asks the capture to deliver only frames the interface received, not the ones the host sent
     * ({@code pcap_setdirection(PCAP_D_IN)}).
     *
     * @return false if the platform or interface cannot filter by direction
     */
    boolean captureInboundOnly();

    /**
     * Blocks the calling thread, handing every captured frame to {@code frames} on that thread,
     * until {@link #breakLoop()} is called or the capture fails. The array belongs to the callee.
     *
     * @throws PcapException if the capture fails
     */
    void loop(Consumer<byte[]> frames);

    /** Makes {@link #loop} return soon; callable from any thread. */
    void breakLoop();

    /**
     * Sends the first {@code length} bytes of {@code frame} as one frame; the array is not kept.
     *
     * @throws PcapException if the frame was not sent
     */
    void send(byte[] frame, int length);

    /** Frees the capture. Only after {@link #loop} has returned. */
    @Override
    void close();
}
