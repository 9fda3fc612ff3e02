package org.sockstack.testbed.sim;

import org.sockstack.drivers.capture.CaptureDevice;
import org.sockstack.drivers.capture.CaptureOptions;
import org.sockstack.drivers.capture.CaptureWriter;
import org.sockstack.drivers.sim.SimNetwork;
import org.sockstack.drivers.sim.SimPort;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.tcp.TcpConfig;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * One simulated host: a stack with its own event loop on the network's clock, one port with one
 * IPv4 address, and optionally a capture of everything the port sends and receives (like
 * {@code tcpdump -i eth0 -w FILE} on that host).
 */
final class SimHost {
    /** Captures start at 1970-01-01 00:00:00, so tcpdump's time of day is the virtual time. */
    private static final long CAPTURE_EPOCH_NANOS = 0;

    private final String name;
    private final Ipv4Address address;
    private final Stack stack;
    private final SimPort port;
    private final CaptureDevice capture;
    private final Path captureFile;

    private SimHost(String name, Ipv4Address address, Stack stack, SimPort port, CaptureDevice capture,
                    Path captureFile) {
        this.name = name;
        this.address = address;
        this.stack = stack;
        this.port = port;
        this.capture = capture;
        this.captureFile = captureFile;
    }

    /**
     * A host called {@code name} on {@code net}.
     *
     * @param number      1.. : makes the MAC address 02:00:00:00:00:NN and the stack's seed unique
     * @param captureFile where to write a pcapng of the port, or null for none
     */
    static SimHost create(SimNetwork net, String name, int number, Ipv4Address address, TcpConfig tcp, long seed,
                          Path captureFile, int snapLength) {
        EventLoop loop = new EventLoop(name, net.clock());
        net.register(loop);
        MacAddress mac = MacAddress.parse(String.format("02:00:00:00:%02x:%02x", number >> 8, number & 0xFF));
        SimPort port = net.port(name, mac, 1500);
        Device device = port;
        CaptureDevice capture = null;
        if (captureFile != null) {
            capture = new CaptureDevice(port, openWriter(captureFile, name, snapLength), net.clock(), CAPTURE_EPOCH_NANOS);
            device = capture;
        }
        Stack stack = new Stack(loop, StackConfig.defaults(name).withSeed(seed * 1_000 + number), tcp);
        NetworkInterface iface = stack.addInterface(device);
        stack.addIpv4Address(iface, address, 24);
        return new SimHost(name, address, stack, port, capture, captureFile);
    }

    private static CaptureWriter openWriter(Path file, String ifname, int snapLength) {
        try {
            return CaptureWriter.open(file, CaptureOptions.defaults().withInterfaceName(ifname).withSnapLength(snapLength));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    Ipv4Address address() {
        return address;
    }

    Stack stack() {
        return stack;
    }

    SimPort port() {
        return port;
    }

    /** The capture file, or null if this host is not captured. */
    Path captureFile() {
        return captureFile;
    }

    /** Finishes the capture file (flushes and closes it); frames keep flowing. */
    void stopCapture() {
        if (capture != null) {
            capture.stopCapture();
            if (capture.failure() != null) {
                throw new UncheckedIOException("capture " + captureFile + " failed: " + capture.failure().getMessage(),
                        capture.failure() instanceof IOException io ? io : new IOException(capture.failure()));
            }
        }
    }
}
