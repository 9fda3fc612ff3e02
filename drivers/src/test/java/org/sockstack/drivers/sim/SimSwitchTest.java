package org.sockstack.drivers.sim;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.wire.MacAddress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SimSwitchTest {
    static final MacAddress H1 = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress H2 = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress H3 = MacAddress.parse("02:00:00:00:00:03");
    static final MacAddress MULTICAST = MacAddress.parse("01:00:5e:00:00:fb");

    private final SimNetwork net = new SimNetwork(3);
    private final SimSwitch sw = net.newSwitch("sw0", 4, Duration.ofSeconds(10));
    private final SimPort h1 = host("h1", H1);
    private final SimPort h2 = host("h2", H2);
    private final SimPort h3 = host("h3", H3);
    private int seq;

    private SimPort host(String name, MacAddress mac) {
        SimPort p = net.port(name, mac, 1500);
        sw.connect(p, LinkConfig.builder().propagationDelay(Duration.ofMillis(1)).build());
        return p;
    }

    @AfterEach
    void close() {
        net.close();
    }

    private void send(SimPort from, MacAddress src, MacAddress dst) {
        from.transmit(TestFrames.frame(from.allocator(), dst, src, seq++, 64));
        net.run(Duration.ofMillis(5));
    }

    /** Names of the hosts that received a frame since the last call (frames released). */
    private List<String> receivers() {
        List<String> names = new ArrayList<>();
        for (SimPort p : List.of(h1, h2, h3)) {
            int n = p.receive(100, ByteBuf::release);
            for (int i = 0; i < n; i++) {
                names.add(p.name());
            }
        }
        return names;
    }

    @Test
    void floodsUnknownThenForwardsLearnedAddresses() {
        send(h1, H1, H2);
        assertEquals(List.of("h2", "h3"), receivers(), "unknown destination is flooded");
        assertEquals(0, sw.portOf(H1));
        send(h2, H2, H1);
        assertEquals(List.of("h1"), receivers(), "h1 was learned");
        send(h1, H1, H2);
        assertEquals(List.of("h2"), receivers(), "h2 was learned");
        assertEquals(2, sw.macTableSize());
        assertEquals(2, net.counters().get("sim.switch.sw0.forwarded"));
        assertEquals(1, net.counters().get("sim.switch.sw0.flooded"));
    }

    @Test
    void floodsBroadcastAndMulticastEvenWhenTheSourceIsKnown() {
        send(h3, H3, H1);
        receivers();
        send(h1, H1, MacAddress.BROADCAST);
        assertEquals(List.of("h2", "h3"), receivers());
        send(h2, H2, MULTICAST);
        assertEquals(List.of("h1", "h3"), receivers());
        // Group addresses are never learned as sources.
        send(h2, MULTICAST, H3);
        assertEquals(List.of("h3"), receivers());
        assertEquals(-1, sw.portOf(MULTICAST));
    }

    @Test
    void framesForTheSegmentTheyCameFromAreFiltered() {
        send(h1, H1, H3);
        receivers();
        send(h2, H2, H1);
        receivers();
        // h1 sends to its own learned address: the switch must not echo it back or flood it.
        send(h1, H2, H1);
        assertEquals(List.of(), receivers());
        assertEquals(1, net.counters().get("sim.switch.sw0.drop.filtered"));
    }

    @Test
    void entriesAgeOutAndTheDestinationIsFloodedAgain() {
        send(h1, H1, H2);
        receivers();
        assertEquals(0, sw.portOf(H1));
        net.run(Duration.ofSeconds(9));
        assertEquals(0, sw.portOf(H1), "still fresh after 9 s");
        net.run(Duration.ofSeconds(1));
        assertEquals(-1, sw.portOf(H1), "forgotten after the 10 s ageing time");
        assertEquals(0, sw.macTableSize());
        send(h3, H3, H1);
        assertEquals(List.of("h1", "h2"), receivers());
        assertEquals(1, net.counters().get("sim.switch.sw0.aged"));
    }

    @Test
    void theTableIsBoundedAndOverflowFloods() {
        for (int i = 0; i < 10; i++) {
            send(h1, new MacAddress(0x02_00_00_00_01_00L + i), H3);
            receivers();
        }
        assertEquals(4, sw.macTableSize());
        assertEquals(6, net.counters().get("sim.switch.sw0.table_full"));
        // The fifth address was never learned: frames to it are flooded.
        send(h3, H3, new MacAddress(0x02_00_00_00_01_04L));
        assertEquals(List.of("h1", "h2"), receivers());
        // Once entries age out, new addresses are learned again.
        net.run(Duration.ofSeconds(11));
        send(h2, H2, H1);
        receivers();
        assertEquals(1, sw.portOf(H2));
    }

    @Test
    void runtFramesAreDropped() {
        ByteBuf runt = h1.allocator().buffer(10).writeZero(10);
        h1.transmit(runt);
        net.run(Duration.ofMillis(5));
        assertEquals(List.of(), receivers());
        assertEquals(1, net.counters().get("sim.switch.sw0.drop.runt"));
    }

    @Test
    void twoSwitchesInARow() {
        SimSwitch sw1 = net.newSwitch("sw1");
        SimPort h4 = net.port("h4", MacAddress.parse("02:00:00:00:00:04"), 1500);
        sw1.connect(h4, LinkConfig.IDEAL);
        sw.connect(sw1, LinkConfig.builder().propagationDelay(Duration.ofMillis(1)).build());
        send(h4, h4.macAddress(), H1);
        assertEquals(List.of("h1", "h2", "h3"), receivers());
        send(h1, H1, h4.macAddress());
        assertEquals(List.of(), receivers());
        assertEquals(1, h4.receive(10, ByteBuf::release));
        assertEquals(3, sw.portOf(h4.macAddress()), "learned on the inter-switch port");
    }
}
