package org.sockstack.testbed.apps;

import org.sockstack.api.Winsock;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.loop.Clock;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/**
 * Two user-space stacks in this process, 192.0.2.1/24 (a) and 192.0.2.2/24 (b), each with its own
 * event loop on the real clock, joined by an in-memory link (a {@link ChannelDevice} pair), and
 * a ws2_32 process over each. Where a Winsock program meets the stack without a TAP device.
 * (The simulated network runs on virtual time, which blocking Winsock calls cannot wait on.)
 */
public final class StackPair implements AutoCloseable {
    public static final String ADDRESS_A = "192.0.2.1";
    public static final String ADDRESS_B = "192.0.2.2";

    private final EventLoop[] loops = new EventLoop[2];
    private final Stack[] stacks = new Stack[2];
    private final ChannelDevice[] devices = new ChannelDevice[2];

    public StackPair() {
        String[] names = {"a", "b"};
        String[] addresses = {ADDRESS_A, ADDRESS_B};
        for (int i = 0; i < 2; i++) {
            loops[i] = new EventLoop(names[i], Clock.system());
            stacks[i] = new Stack(loops[i], StackConfig.defaults(names[i]).withSeed(i + 1));
            devices[i] = new ChannelDevice(names[i] + "0", MacAddress.parse("02:00:00:00:00:0" + (i + 1)), 1500);
        }
        ChannelDevice.pair(devices[0], devices[1]);
        for (int i = 0; i < 2; i++) {
            NetworkInterface iface = stacks[i].addInterface(devices[i]);
            stacks[i].addIpv4Address(iface, Ipv4Address.parse(addresses[i]), 24);
            loops[i].start();
        }
    }

    public Stack a() {
        return stacks[0];
    }

    public Stack b() {
        return stacks[1];
    }

    public static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Releases what the stacks hold (frames waiting for ARP), then stops the loops. */
    @Override
    public void close() {
        for (int i = 0; i < 2; i++) {
            Stack s = stacks[i];
            try {
                loops[i].submit(() -> {
                    s.close();
                    return null;
                }).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the loop is gone already: nothing left to release on it
            }
            loops[i].close();
            devices[i].close();
        }
    }

    /** A ws2_32 process over stack a. */
    public Winsock processA() {
        return Processes.stack(stacks[0]);
    }

    /** A ws2_32 process over stack b. */
    public Winsock processB() {
        return Processes.stack(stacks[1]);
    }
}
