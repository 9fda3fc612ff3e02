package org.sockstack.testbed.cli;

import org.sockstack.stack.StackConfig;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.testbed.host.StackHost;
import org.sockstack.testbed.lab.Lab;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Options shared by the commands that put a stack on a device: serve, ping. */
public final class StackOptions {

    static final class DeviceChoice {
        @Option(names = "--tap", required = true, paramLabel = "IFNAME", description = "TAP device to open or create")
        String tap;

        @Option(names = "--iface", required = true, paramLabel = "IFNAME",
                description = "existing interface to use through live pcap instead of a TAP device")
        String pcap;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    DeviceChoice device;

    @Option(names = "--netns", paramLabel = "NS", description = "move the TAP device into this existing namespace")
    String netns;

    @Option(names = "--addr", required = true, paramLabel = "ADDR/LEN", description = "IPv4 address, e.g. 192.0.2.2/24")
    String addr;

    @Option(names = "--gateway", paramLabel = "ADDR", description = "default gateway")
    String gateway;

    @Option(names = "--addr6", paramLabel = "ADDR/LEN",
            description = "static IPv6 address, e.g. 2001:db8::2/64 (used after DAD)")
    String addr6;

    @Option(names = "--no-ipv6", description = "leave IPv6 off (by default the link-local address is formed "
            + "and SLAAC addresses come from router advertisements)")
    boolean noIpv6;

    @Option(names = "--mtu", defaultValue = "1500", description = "link MTU (default ${DEFAULT-VALUE})")
    int mtu;

    @Option(names = "--capture", paramLabel = "FILE", description = "write every frame to a .pcap or .pcapng file")
    Path capture;

    @Option(names = "--offload", description = "TAP only: virtio-net header with checksum offload and TCP "
            + "segmentation offload both ways (64 KiB super-frames; the kernel segments them)")
    boolean offload;

    @Option(names = "--tx-thread", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "TAP only: write the frames of long batches on a thread of their own, so the kernel's "
                    + "receive work (done inside each write) runs beside the stack (default: on; "
                    + "--no-tx-thread keeps every write on the event loop)")
    boolean txThread;

    @Option(names = "--busy-poll", paramLabel = "MICROS", defaultValue = "0",
            description = "after a pass that did work, keep polling the device for this many microseconds "
                    + "before sleeping: a request-response exchange then costs no thread wake-up (like Linux's "
                    + "net.core.busy_poll); burns a core while traffic flows (default: 0, off)")
    long busyPollMicros;

    @Option(names = "--trace", description = "print the event trace (drops with reasons, state changes)")
    boolean trace;

    @Option(names = "--seed", description = "seed of the stack's random generator (default: from the clock)")
    Long seed;

    /** Validates the options, opens the device and configures the stack (loop not started). */
    StackHost open(String name, PrintStream out) {
        Cidr cidr = Cidr.parse(addr);
        Cidr6 cidr6 = addr6 == null ? null : Cidr6.parse(addr6);
        if (cidr6 != null && noIpv6) {
            throw new IllegalArgumentException("--addr6 and --no-ipv6 contradict each other");
        }
        if (busyPollMicros < 0) {
            throw new IllegalArgumentException("--busy-poll must not be negative");
        }
        Ipv4Address gw = null;
        if (gateway != null) {
            gw = Ipv4Address.tryParse(gateway);
            if (gw == null) {
                throw new IllegalArgumentException("not an IPv4 address: " + gateway);
            }
        }
        if (mtu < 576 || mtu > 65_535) {
            throw new IllegalArgumentException("MTU must be between 576 and 65535: " + mtu);
        }
        StackConfig config = StackConfig.defaults(name);
        if (seed != null) {
            config = config.withSeed(seed);
        }
        String ifname = device.tap != null ? device.tap : device.pcap;
        StackHost host = device.tap != null
                ? StackHost.onTap(ifname, StackHost.macFor(ifname), mtu, config, capture,
                        org.sockstack.drivers.fault.Impairments.NONE, offload)
                : StackHost.onPcap(ifname, StackHost.macFor(ifname), mtu, config, capture);
        try {
            if (netns != null && device.tap != null) {
                Lab.run(Duration.ofSeconds(10), "ip", "link", "set", "dev", ifname, "netns", netns).orThrow();
                Lab.run(Duration.ofSeconds(10), "ip", "-n", netns, "link", "set", "dev", ifname, "up").orThrow();
            }
            if (txThread && host.tap() != null) {
                host.tap().startTransmitThread();
            }
            host.loop().setBusyPoll(TimeUnit.MICROSECONDS.toNanos(busyPollMicros));
            if (trace) {
                host.stack().trace().setListener(e -> out.println("trace " + e));
                host.stack().trace().enable(true);
            }
            host.stack().addIpv4Address(host.iface(), cidr.address(), cidr.prefixLength());
            if (gw != null) {
                host.stack().ipv4().addDefaultRoute(host.iface(), gw);
            }
            if (ipv6()) {
                // RFC 4862 5.3 and 5.5: the link-local address after DAD, SLAAC from RAs.
                host.stack().enableIpv6(host.iface());
                if (cidr6 != null) {
                    host.stack().addIpv6Address(host.iface(), cidr6.address(), cidr6.prefixLength());
                }
            }
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
        return host;
    }

    /**
     * Waits (at most 5 s, on a started host) until no IPv6 address of the interface is still
     * tentative, so a client command does not start before duplicate address detection is done
     * (RFC 4862 5.4: a tentative address cannot be used).
     */
    static void awaitAddresses(StackHost host) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && host.call(() -> host.iface().ipv6Addresses().stream()
                .anyMatch(a -> a.state() == org.sockstack.stack.iface.Ipv6InterfaceAddress.State.TENTATIVE))) {
            java.util.concurrent.TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** IPv6 is on unless {@code --no-ipv6}. */
    boolean ipv6() {
        return !noIpv6;
    }

    String interfaceName() {
        return device.tap != null ? device.tap : device.pcap;
    }

    /** An IPv6 address with a prefix length, e.g. 2001:db8::2/64 (64 if omitted). */
    record Cidr6(Ipv6Address address, int prefixLength) {
        static Cidr6 parse(String text) {
            int slash = text.indexOf('/');
            Ipv6Address a = Ipv6Address.tryParse(slash < 0 ? text : text.substring(0, slash));
            if (a == null || a.isMulticast() || a.isUnspecified()) {
                throw new IllegalArgumentException("not a unicast IPv6 address: " + text);
            }
            int len = 64;
            if (slash >= 0) {
                try {
                    len = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    len = -1;
                }
                if (len < 0 || len > 128) {
                    throw new IllegalArgumentException("bad prefix length in " + text);
                }
            }
            return new Cidr6(a, len);
        }

        @Override
        public String toString() {
            return address + "/" + prefixLength;
        }
    }

    /** An address with a prefix length, e.g. 192.0.2.2/24. */
    record Cidr(Ipv4Address address, int prefixLength) {
        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            Ipv4Address a = Ipv4Address.tryParse(slash < 0 ? text : text.substring(0, slash));
            if (a == null) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            int len = 32;
            if (slash >= 0) {
                try {
                    len = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    len = -1;
                }
                if (len < 0 || len > 32) {
                    throw new IllegalArgumentException("bad prefix length in " + text);
                }
            }
            return new Cidr(a, len);
        }

        @Override
        public String toString() {
            return address + "/" + prefixLength;
        }
    }
}
